//! Input checks made before anything is sent: core-http's shared ones, and Whaly's
//! locale form.

pub(crate) use core_http::validate::{email, non_blank, path_segment};

use crate::{Error, Result};

/// A locale in Whaly's underscore form: `en`, `en_US`, `fr_FR`.
pub(crate) fn locale(locale: &str) -> Result<()> {
    let (language, region) = match locale.split_once('_') {
        Some((language, region)) => (language, Some(region)),
        None => (locale, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_lowercase());
    let region_ok = region
        .is_none_or(|region| region.len() == 2 && region.chars().all(|c| c.is_ascii_uppercase()));
    if language_ok && region_ok {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "locale",
            format!("`{locale}` is not a locale like `en_US` (language, underscore, region)"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales() {
        for ok in ["en_US", "fr_FR", "en", "fil_PH"] {
            assert!(locale(ok).is_ok(), "{ok}");
        }
        for bad in ["", "en-US", "EN_us", "english", "en_USA", "e_US"] {
            assert!(locale(bad).is_err(), "{bad}");
        }
    }
}
