//! Checks shared by every client for arguments that must be rejected before sending.
//!
//! Each returns an error naming the field, so a caller learns which argument was wrong
//! and nothing leaves the process: [`Error::InvalidInput`] for a call's arguments,
//! [`Error::Config`] for [`dns_label`], which checks a client's configuration.

use crate::error::{Error, Result};

/// A pragmatic email check: one `@`, a local part of 1 to 64 allowed characters (letters
/// and digits in any script, and the usual punctuation; no leading, trailing or doubled
/// dot), and a domain of at least two labels of letters, digits and inner hyphens; at most
/// 254 bytes in all. The server has the last word; this catches typos and
/// placeholders before anything is created with them.
pub fn email(field: &str, value: &str) -> Result<()> {
    let fail = |reason: &str| Err(Error::invalid_input(field, reason));
    if value.is_empty() {
        return fail("must not be empty");
    }
    if value.len() > 254 {
        return fail("must be at most 254 characters");
    }
    let Some((local, domain)) = value.rsplit_once('@') else {
        return fail("not an email address: no `@`");
    };
    if local.is_empty() || local.len() > 64 {
        return fail("not an email address: the part before `@` must be 1 to 64 characters");
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return fail("not an email address: invalid characters before `@`");
    }
    let mut labels = domain.split('.');
    let dotted = domain.contains('.');
    let labels_ok = labels.all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    });
    if !dotted || !labels_ok {
        return fail(
            "not an email address: the domain must be dotted labels of letters, digits and hyphens",
        );
    }
    Ok(())
}

/// Rejects an empty or all-whitespace value.
pub fn non_blank(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    Ok(())
}

/// Rejects a value that can not stand alone as one path segment: empty, `.`, `..`, or
/// containing `/`, `?`, `#`, whitespace or control characters. Core-http percent-encodes path parameters
/// anyway; this turns a likely mistake into a clear error.
pub fn path_segment(field: &str, value: &str) -> Result<()> {
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::invalid_input(
            field,
            "must not be empty, `.` or `..`",
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#') || c.is_whitespace() || c.is_control())
    {
        return Err(Error::invalid_input(
            field,
            format!("must not contain {bad:?}"),
        ));
    }
    Ok(())
}

/// Rejects a value that is not one DNS label: 1 to 63 ASCII letters, digits and `-`, not
/// starting or ending with `-`. Instance, account and subdomain names become part of a
/// host name, so each must be exactly one label. They configure a client, so the error is
/// [`Error::Config`].
pub fn dns_label(field: &str, value: &str) -> Result<()> {
    let reason = if value.is_empty() {
        "must not be empty"
    } else if value.len() > 63 {
        "must be at most 63 characters (one DNS label)"
    } else if !value
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
    {
        "must be a single DNS label: letters, digits and `-` only (no `.`, `/` or spaces)"
    } else if value.starts_with('-') || value.ends_with('-') {
        "must not start or end with `-`"
    } else {
        return Ok(());
    };
    Err(Error::config(field, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "jane.doe@corp.example",
            "a+tag@mail.example.com",
            "x_y-z@sub-domain.example.org",
            "o'brien@example.ie",
            "é@exämple.fr",
        ] {
            email("email", ok).unwrap_or_else(|error| panic!("{ok}: {error}"));
        }
    }

    #[test]
    fn rejects_malformed_addresses_naming_the_field() {
        for bad in [
            "",
            "jane",
            "jane@",
            "@corp.example",
            "jane@corp",
            "jane doe@corp.example",
            "jane@@corp.example",
            ".jane@corp.example",
            "jane.@corp.example",
            "ja..ne@corp.example",
            "jane@-corp.example",
            "jane@corp..example",
            "jane@corp.example.",
            "jane\u{7}@corp.example",
        ] {
            let error = email("username", bad).expect_err(bad);
            assert!(
                matches!(&error, Error::InvalidInput { field, .. } if field == "username"),
                "{bad}: {error:?}"
            );
        }
        let long = format!("{}@corp.example", "a".repeat(65));
        assert!(email("email", &long).is_err());
    }

    #[test]
    fn blank_and_segment_checks() {
        assert!(non_blank("name", "  ").is_err());
        non_blank("name", "Suspended").unwrap();
        for bad in ["", ".", "..", "a/b", "a?b", "a#b", "a b", "a\u{0}b"] {
            assert!(path_segment("portal_id", bad).is_err(), "{bad:?}");
        }
        path_segment("portal_id", "pp_3zrr1XRrXMyYG6").unwrap();
    }

    #[test]
    fn dns_labels_are_checked_as_configuration() {
        for ok in ["g", "H", "betaportal-1", "acme", &"x".repeat(63)] {
            dns_label("instance", ok).unwrap_or_else(|error| panic!("{ok}: {error}"));
        }
        for bad in [
            "",
            "g.evil",
            "g/x",
            "-g",
            "g-",
            "a b",
            "ac.me/x",
            &"x".repeat(64),
        ] {
            let error = dns_label("account", bad).expect_err(bad);
            assert!(
                matches!(&error, Error::Config { field, .. } if field == "account"),
                "{bad:?}: {error:?}"
            );
        }
    }
}
