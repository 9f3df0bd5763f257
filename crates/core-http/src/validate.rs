//! Checks shared by every client for arguments that must be rejected before sending.
//!
//! Each returns [`Error::InvalidInput`] naming the field, so a caller learns which
//! argument was wrong and nothing leaves the process.

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
}
