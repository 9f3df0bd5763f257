//! Checks run on arguments before anything is sent.

use core_http::{Error, Result};
use uuid::Uuid;

/// Something that names an organization or a role: a [`Uuid`] or its text form.
///
/// Text is parsed when the request is built; a malformed GUID becomes
/// [`Error::InvalidInput`] naming the field, and nothing is sent.
pub trait IntoGuid {
    /// The GUID, or why the value is not one.
    fn into_guid(self) -> std::result::Result<Uuid, String>;
}

impl IntoGuid for Uuid {
    fn into_guid(self) -> std::result::Result<Uuid, String> {
        Ok(self)
    }
}

impl IntoGuid for &Uuid {
    fn into_guid(self) -> std::result::Result<Uuid, String> {
        Ok(*self)
    }
}

impl IntoGuid for &str {
    fn into_guid(self) -> std::result::Result<Uuid, String> {
        parse_guid_text(self)
    }
}

impl IntoGuid for String {
    fn into_guid(self) -> std::result::Result<Uuid, String> {
        parse_guid_text(&self)
    }
}

impl IntoGuid for &String {
    fn into_guid(self) -> std::result::Result<Uuid, String> {
        parse_guid_text(self)
    }
}

/// Accepts only the hyphenated form the portal documents
/// (`00000000-0000-0000-0000-000000000000`), braces and case aside.
fn parse_guid_text(text: &str) -> std::result::Result<Uuid, String> {
    let trimmed = text.trim();
    let inner = trimmed
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
        .unwrap_or(trimmed);
    if inner.len() != 36 {
        return Err("expected a GUID in the form 00000000-0000-0000-0000-000000000000".to_owned());
    }
    Uuid::try_parse(inner)
        .map_err(|_| "expected a GUID in the form 00000000-0000-0000-0000-000000000000".to_owned())
}

/// Parses `value` as a GUID for `field`.
#[cfg(test)]
pub(crate) fn guid(field: &str, value: impl IntoGuid) -> Result<Uuid> {
    value
        .into_guid()
        .map_err(|reason| Error::invalid_input(field, reason))
}

/// The instance letter(s) of `portalapi.<instance>.threatlocker.com`, trimmed and
/// lower-cased: one DNS label ([`core_http::validate::dns_label`]).
pub(crate) fn instance(value: &str) -> Result<String> {
    let label = value.trim().to_ascii_lowercase();
    core_http::validate::dns_label("instance", &label)?;
    Ok(label)
}

/// The shared email check: the portal accepts "any valid email address".
pub(crate) use core_http::validate::email;

/// The largest page size accepted (clients seen in the wild clamp to 500 or 10 000).
pub const MAX_PAGE_SIZE: u32 = 10_000;

pub(crate) fn page_size(value: u32) -> Result<()> {
    if value == 0 || value > MAX_PAGE_SIZE {
        return Err(Error::invalid_input(
            "pageSize",
            format!("must be between 1 and {MAX_PAGE_SIZE}"),
        ));
    }
    Ok(())
}

pub(crate) fn page_number(value: u32) -> Result<()> {
    if value == 0 {
        return Err(Error::invalid_input(
            "pageNumber",
            "pages are numbered from 1",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances() {
        assert_eq!(instance("g").unwrap(), "g");
        assert_eq!(instance(" H ").unwrap(), "h");
        assert_eq!(instance("betaportal-1").unwrap(), "betaportal-1");
        for bad in ["", "g.evil", "g/x", "-g", "g-", "a b", &"x".repeat(64)] {
            assert!(
                matches!(instance(bad), Err(Error::Config { field, .. }) if field == "instance"),
                "{bad}"
            );
        }
    }

    #[test]
    fn guids() {
        let id = "5b2e8f41-7d3c-4a1e-9c55-2f6d0e1a7b90";
        assert_eq!(guid("id", id).unwrap().to_string(), id);
        assert_eq!(
            guid("id", "{5B2E8F41-7D3C-4A1E-9C55-2F6D0E1A7B90}")
                .unwrap()
                .to_string(),
            id
        );
        for bad in [
            "",
            "5b2e8f41",
            "5b2e8f417d3c4a1e9c552f6d0e1a7b90",
            "not-a-guid-at-all-not-a-guid-at-all1",
        ] {
            assert!(
                matches!(guid("roles[0].userRoleId", bad), Err(Error::InvalidInput { field, .. }) if field == "roles[0].userRoleId"),
                "{bad}"
            );
        }
    }

    #[test]
    fn pages() {
        assert!(page_size(1).is_ok() && page_size(MAX_PAGE_SIZE).is_ok());
        assert!(page_size(0).is_err() && page_size(MAX_PAGE_SIZE + 1).is_err());
        assert!(page_number(0).is_err() && page_number(1).is_ok());
    }
}
