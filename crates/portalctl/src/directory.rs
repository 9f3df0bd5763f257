//! The cross-vendor directory: every configured portal connected behind the
//! [`Portal`] trait, listed concurrently over portals.

use std::ops::Deref;

use futures_util::future::join_all;

use crate::config::{Config, ConfigError};
use crate::portal::{Listing, Portal, PortalError};
use crate::vendors;

/// A configured portal, connected (its client built; nothing sent yet).
#[derive(Debug)]
pub struct Connected {
    /// The configured name.
    pub name: String,
    /// The vendor's implementation.
    pub portal: Box<dyn Portal>,
}

impl Deref for Connected {
    type Target = dyn Portal;

    fn deref(&self) -> &Self::Target {
        self.portal.as_ref()
    }
}

/// Every configured portal, connected.
#[derive(Debug)]
pub struct Directory {
    /// The portals, in configuration order.
    pub portals: Vec<Connected>,
}

impl Directory {
    /// Builds every portal's client; a refused setting is a [`ConfigError`].
    pub fn connect(config: &Config) -> Result<Self, ConfigError> {
        let portals = config
            .portals
            .iter()
            .map(|portal| {
                Ok(Connected {
                    name: portal.name.clone(),
                    portal: vendors::connect(&portal.name, &portal.settings)?,
                })
            })
            .collect::<Result<_, ConfigError>>()?;
        Ok(Self { portals })
    }

    /// The portal called `name`.
    pub fn get(&self, name: &str) -> Option<&Connected> {
        self.portals.iter().find(|portal| portal.name == name)
    }

    /// The configured names, in order, for messages.
    pub fn names(&self) -> Vec<&str> {
        self.portals.iter().map(|p| p.name.as_str()).collect()
    }

    /// Lists every portal (or only `only`) concurrently, in configuration order.
    pub async fn list(
        &self,
        only: Option<&str>,
    ) -> Vec<(&Connected, Result<Listing, PortalError>)> {
        let selected: Vec<_> = self
            .portals
            .iter()
            .filter(|portal| only.is_none_or(|name| portal.name == name))
            .collect();
        let bar = crate::progress::bar(selected.len(), "listing portals");
        let listings = join_all(selected.into_iter().map(|portal| {
            let bar = &bar;
            async move {
                let listing = portal.list().await;
                bar.inc(1);
                (portal, listing)
            }
        }))
        .await;
        bar.finish_and_clear();
        listings
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::{self, Vendor};
    use crate::portal::{Operation, unsupported};

    /// One portal of each vendor, named `tl`, `at`, `pp` and `lm`, on a closed loopback
    /// port: built, never sent to.
    pub(crate) fn four() -> Directory {
        let text = r#"
            [[portals]]
            name = "tl"
            vendor = "threatlocker"
            base_url = "http://127.0.0.1:9"
            token_env = "KEY"

            [[portals]]
            name = "at"
            vendor = "allthenticate"
            base_url = "http://127.0.0.1:9"
            api_key_env = "KEY"

            [[portals]]
            name = "pp"
            vendor = "partner-portal"
            base_url = "http://127.0.0.1:9"
            portal_id = "pp_1"
            api_key_env = "KEY"

            [[portals]]
            name = "lm"
            vendor = "logicmonitor"
            base_url = "http://127.0.0.1:9/santaba/rest"
            bearer_token_env = "KEY"
        "#;
        let config = config::parse(text, &|_| Some("test-key".to_owned())).unwrap();
        Directory::connect(&config).unwrap()
    }

    #[test]
    fn the_table_matches_the_vendor_apis() {
        let directory = four();
        let row = |name| {
            let portal = directory.get(name).unwrap();
            [
                Operation::List,
                Operation::Invite,
                Operation::Suspend,
                Operation::Delete,
                Operation::Groups,
                Operation::ChildOrganizations,
            ]
            .map(|operation| portal.supports(operation))
        };
        assert_eq!(row("tl"), [false, true, false, false, false, true]);
        assert_eq!(row("at"), [true, true, true, true, false, false]);
        assert_eq!(row("pp"), [true, true, false, true, false, false]);
        assert_eq!(row("lm"), [true, true, true, true, true, false]);
        let vendors: Vec<_> = directory.portals.iter().map(|p| p.vendor()).collect();
        assert_eq!(vendors, Vendor::ALL);
        assert_eq!(
            unsupported(Vendor::Threatlocker, Operation::Suspend),
            "threatlocker's API does not offer suspend"
        );
    }
}
