//! Checks run on arguments before anything is sent; each error names the field.

use core_http::{Error, ExposeSecret, Result, SecretString};

use crate::generated::PrivilegeGrant;

pub(crate) use core_http::validate::non_blank;

/// The most items LogicMonitor returns per page.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A page size: 1 to [`MAX_PAGE_SIZE`].
pub(crate) fn page_size(size: u32) -> Result<()> {
    if !(1..=MAX_PAGE_SIZE).contains(&size) {
        return Err(Error::invalid_input(
            "size",
            format!("must be between 1 and {MAX_PAGE_SIZE}, got {size}"),
        ));
    }
    Ok(())
}

/// Field names: ASCII letters, digits, `_`, and `.` between names (`roles.name`).
pub(crate) fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

/// A username: not blank, no control characters.
pub(crate) fn username(username: &str) -> Result<()> {
    if username.trim().is_empty() {
        return Err(Error::invalid_input("username", "must not be empty"));
    }
    if username.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            "username",
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// A password as LogicMonitor's UI requires it; the error never shows it.
pub(crate) fn password(password: &SecretString) -> Result<()> {
    let text = password.expose_secret();
    let ok = text.chars().count() >= 8
        && text.chars().any(char::is_uppercase)
        && text.chars().any(char::is_lowercase)
        && text.chars().any(|c| c.is_ascii_digit())
        && text.chars().any(|c| !c.is_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "password",
            "needs 8+ characters with upper- and lower-case letters, a digit and a special character",
        ))
    }
}

/// A role's privileges: at least one, each with an object type and an operation.
pub(crate) fn privileges(privileges: &[PrivilegeGrant]) -> Result<()> {
    if privileges.is_empty() {
        return Err(Error::invalid_input(
            "privileges",
            "a role needs at least one privilege",
        ));
    }
    for (index, privilege) in privileges.iter().enumerate() {
        for (name, value) in [
            ("objectType", &privilege.object_type),
            ("operation", &privilege.operation),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid_input(
                    format!("privileges[{index}].{name}"),
                    "must not be empty",
                ));
            }
        }
        if privilege.object_id.chars().any(char::is_control) {
            return Err(Error::invalid_input(
                format!("privileges[{index}].objectId"),
                "must not contain control characters",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_the_ui_policy() {
        assert!(password(&SecretString::from("S3cret!pass")).is_ok());
        for bad in [
            "short1!A",
            "nouppercase1!",
            "NOLOWER1!",
            "NoDigits!!",
            "NoSpecial11",
        ] {
            let outcome = password(&SecretString::from(bad));
            if bad == "short1!A" {
                assert!(outcome.is_ok(), "exactly 8 is fine");
            } else {
                assert!(outcome.is_err(), "{bad}");
            }
        }
        let error = password(&SecretString::from("canary")).unwrap_err();
        assert!(!format!("{error:?}").contains("canary"));
    }
}
