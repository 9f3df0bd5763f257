//! Input checks done before anything is sent.

use core_http::{Error, Result};

/// A trimmed email address, checked by core-http's shared rule.
pub(crate) fn email(field: &str, value: &str) -> Result<String> {
    let value = value.trim();
    core_http::validate::email(field, value)?;
    Ok(value.to_owned())
}

/// A smart card number: a non-empty string of ASCII digits.
pub(crate) fn card_number(field: &str, value: &str) -> Result<()> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_input(
            field,
            "a smart card number is a non-empty string of digits",
        ));
    }
    Ok(())
}

/// A workstation login name: not blank, no control characters.
pub(crate) fn computer_username(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid_input(
            field,
            "must not contain control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in ["joe@developer.com", "a.b+c@corp.example", " x@y.io "] {
            assert!(email("email", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "joe",
            "joe@",
            "@x.com",
            "a b@x.com",
            "a@b",
            "a@b@c.com",
            "a@.com",
            "a@x..com",
        ] {
            assert!(
                matches!(email("email", bad), Err(Error::InvalidInput { ref field, .. }) if field == "email"),
                "{bad}"
            );
        }
    }

    #[test]
    fn card_numbers_and_usernames() {
        assert!(card_number("n", "0012345").is_ok());
        for bad in ["", "12a4", "12 34", "-1", "１２"] {
            assert!(card_number("n", bad).is_err(), "{bad}");
        }
        assert!(computer_username("u", "jdev").is_ok());
        assert!(computer_username("u", "  ").is_err());
        assert!(computer_username("u", "a\nb").is_err());
    }
}
