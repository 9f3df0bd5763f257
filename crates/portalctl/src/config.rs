//! The portals file: which portals to work on, where they are, and where their
//! credentials come from.
//!
//! ```toml
//! [[portals]]
//! name = "acme-lm"
//! vendor = "logicmonitor"
//! account = "acme"                      # or base_url = "https://acme.logicmonitor.com/santaba/rest"
//! access_id_env = "ACME_LM_ACCESS_ID"   # LMv1; or bearer_token_env = "ACME_LM_BEARER"
//! access_key_file = "/home/me/.config/portalctl/acme-lm.key"   # mode 600
//!
//! [[portals]]
//! name = "msp-threatlocker"
//! vendor = "threatlocker"
//! instance = "g"                        # or base_url
//! token_command = ["op", "read", "op://MSP/ThreatLocker/token"]
//! organization_id = "c4f6d1e2-0000-4000-8000-000000000001"   # optional managed organization
//!
//! [[portals]]
//! name = "acme-allthenticate"
//! vendor = "allthenticate"
//! base_url = "https://allthenticate.acme.example/api"
//! api_key_env = "ALLTHENTICATE_API_KEY"
//!
//! [[portals]]
//! name = "partners"
//! vendor = "partner-portal"
//! portal_id = "pp_3zrr1XRrXMyYG6"
//! api_key_env = "WHALY_API_KEY"         # base_url optional
//! ```
//!
//! Secrets are never written in this file. Each secret (`token`, `api_key`, `access_id`,
//! `access_key`, `bearer_token`) comes from exactly one of:
//!
//! - `<secret>_env`: the name of an environment variable;
//! - `<secret>_file`: the path of a file readable only by its owner (on Unix a file that
//!   its group or others may read or write is refused: `chmod 600`); a relative path is
//!   taken from the working directory;
//! - `<secret>_command`: a program and its arguments, run without a shell and with no
//!   input, such as a password manager's CLI; its standard output is the secret. If it
//!   fails, the error shows its exit status and standard error, never its output.
//!
//! One trailing line break is dropped from a file or a command's output. Everything is
//! read and checked when the file is loaded, before anything is sent; every problem is
//! reported with the portal and the field, and never with a secret's value.

use std::collections::HashSet;
use std::fmt;

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use secret::SecretFields;

mod secret;

/// A loaded, checked configuration.
#[derive(Debug)]
pub struct Config {
    /// The portals, in file order.
    pub portals: Vec<Portal>,
}

/// One configured portal.
#[derive(Debug)]
pub struct Portal {
    /// The name used on the command line and in output.
    pub name: String,
    /// Vendor and its settings.
    pub settings: PortalSettings,
}

/// The vendors portalctl speaks to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Vendor {
    /// ThreatLocker portal API.
    Threatlocker,
    /// Allthenticate organization API.
    Allthenticate,
    /// Whaly partner portals.
    PartnerPortal,
    /// LogicMonitor REST API v3.
    Logicmonitor,
}

impl Vendor {
    /// Every vendor, in display order.
    pub const ALL: [Vendor; 4] = [
        Vendor::Threatlocker,
        Vendor::Allthenticate,
        Vendor::PartnerPortal,
        Vendor::Logicmonitor,
    ];

    /// The name used in the portals file and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Threatlocker => "threatlocker",
            Vendor::Allthenticate => "allthenticate",
            Vendor::PartnerPortal => "partner-portal",
            Vendor::Logicmonitor => "logicmonitor",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|vendor| vendor.as_str() == name)
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a portal is: a vendor-specific short form, or an explicit base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The vendor's naming (LogicMonitor account, ThreatLocker instance).
    Named(String),
    /// A full base URL, already checked.
    BaseUrl(String),
    /// The vendor crate's default base URL.
    Default,
}

/// Settings per vendor, with secrets resolved from the environment.
#[derive(Debug)]
#[non_exhaustive]
pub enum PortalSettings {
    /// ThreatLocker: instance or base URL, API token, optional managed organization.
    Threatlocker {
        /// Where the portal API is.
        location: Location,
        /// The API token.
        token: SecretString,
        /// The organization to act on (the token's own when absent).
        organization_id: Option<String>,
    },
    /// Allthenticate: base URL and API key.
    Allthenticate {
        /// Where the API is.
        location: Location,
        /// The API key.
        api_key: SecretString,
    },
    /// Whaly partner portal: portal id, API key, optional base URL.
    PartnerPortal {
        /// Where the API is.
        location: Location,
        /// The partner portal to manage.
        portal_id: String,
        /// The `sk:` API key.
        api_key: SecretString,
    },
    /// LogicMonitor: account or base URL, and LMv1 or bearer credentials.
    Logicmonitor {
        /// Where the API is.
        location: Location,
        /// How to authenticate.
        credentials: LogicMonitorCredentials,
    },
}

/// LogicMonitor credentials.
#[derive(Debug)]
pub enum LogicMonitorCredentials {
    /// LMv1 HMAC signing.
    Lmv1 {
        /// The access id (not secret, but kept with its key).
        access_id: SecretString,
        /// The access key.
        access_key: SecretString,
    },
    /// A bearer token.
    Bearer(SecretString),
}

impl PortalSettings {
    /// The vendor these settings are for.
    pub fn vendor(&self) -> Vendor {
        match self {
            PortalSettings::Threatlocker { .. } => Vendor::Threatlocker,
            PortalSettings::Allthenticate { .. } => Vendor::Allthenticate,
            PortalSettings::PartnerPortal { .. } => Vendor::PartnerPortal,
            PortalSettings::Logicmonitor { .. } => Vendor::Logicmonitor,
        }
    }
}

/// A problem with the configuration, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{}: {reason}", portal.as_ref().map(|name| format!("portal `{name}`, ")).unwrap_or_default(), field_label(field))]
pub struct ConfigError {
    /// The portal concerned, when the problem is inside one.
    pub portal: Option<String>,
    /// The field concerned.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

fn field_label(field: &str) -> String {
    format!("field `{field}`")
}

impl ConfigError {
    /// A vendor client refused these settings (`build` failed): reported against the
    /// portal and the field most likely at fault.
    pub(crate) fn client(portal: &str, field: &str, error: &core_http::Error) -> Self {
        Self::new(Some(portal), field, reason_of(error))
    }

    fn new(portal: Option<&str>, field: &str, reason: impl Into<String>) -> Self {
        Self {
            portal: portal.map(str::to_owned),
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    portals: Vec<toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreatlocker {
    instance: Option<String>,
    base_url: Option<String>,
    organization_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllthenticate {
    base_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartnerPortal {
    base_url: Option<String>,
    portal_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogicmonitor {
    account: Option<String>,
    base_url: Option<String>,
}

/// Parses and checks a portals file. `env` looks up environment variables, so tests need
/// not touch the process environment.
pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
    let raw: RawFile =
        toml::from_str(text).map_err(|error| ConfigError::new(None, "portals", error.message()))?;
    let mut names = HashSet::new();
    let mut portals = Vec::with_capacity(raw.portals.len());
    for (index, mut table) in raw.portals.into_iter().enumerate() {
        let name = match table.remove("name") {
            Some(toml::Value::String(name)) if !name.trim().is_empty() => name,
            _ => {
                return Err(ConfigError::new(
                    None,
                    &format!("portals[{index}].name"),
                    "every portal needs a non-empty name",
                ));
            }
        };
        if !names.insert(name.clone()) {
            return Err(ConfigError::new(
                Some(&name),
                "name",
                "another portal has the same name",
            ));
        }
        let vendor = match table.remove("vendor") {
            Some(toml::Value::String(vendor)) => Vendor::parse(&vendor).ok_or_else(|| {
                let known: Vec<_> = Vendor::ALL.iter().map(|vendor| vendor.as_str()).collect();
                ConfigError::new(
                    Some(&name),
                    "vendor",
                    format!(
                        "unknown vendor `{vendor}` (expected one of {})",
                        known.join(", ")
                    ),
                )
            })?,
            _ => {
                return Err(ConfigError::new(
                    Some(&name),
                    "vendor",
                    "missing; expected one of threatlocker, allthenticate, partner-portal, logicmonitor",
                ));
            }
        };
        let settings = settings(&name, vendor, table, env)?;
        portals.push(Portal { name, settings });
    }
    Ok(Config { portals })
}

fn settings(
    name: &str,
    vendor: Vendor,
    mut table: toml::Table,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<PortalSettings, ConfigError> {
    let mut take = |secret: &str| SecretFields::take(name, secret, &mut table);
    let resolve = |secret: &str, fields: SecretFields| secret::resolve(name, secret, fields, env);
    Ok(match vendor {
        Vendor::Threatlocker => {
            let token = take("token")?;
            let raw: RawThreatlocker = fields(name, table)?;
            if let Some(id) = &raw.organization_id {
                uuid::Uuid::parse_str(id).map_err(|_| {
                    ConfigError::new(
                        Some(name),
                        "organization_id",
                        format!("`{id}` is not a GUID"),
                    )
                })?;
            }
            PortalSettings::Threatlocker {
                location: location(name, ("instance", raw.instance), raw.base_url, true)?,
                token: resolve("token", token)?,
                organization_id: raw.organization_id,
            }
        }
        Vendor::Allthenticate => {
            let api_key = take("api_key")?;
            let raw: RawAllthenticate = fields(name, table)?;
            PortalSettings::Allthenticate {
                location: location(name, ("", None), Some(raw.base_url), true)?,
                api_key: resolve("api_key", api_key)?,
            }
        }
        Vendor::PartnerPortal => {
            let api_key = take("api_key")?;
            let raw: RawPartnerPortal = fields(name, table)?;
            core_http::validate::path_segment("portal_id", &raw.portal_id)
                .map_err(|error| ConfigError::new(Some(name), "portal_id", reason_of(&error)))?;
            PortalSettings::PartnerPortal {
                location: location(name, ("", None), raw.base_url, false)?,
                portal_id: raw.portal_id,
                api_key: resolve("api_key", api_key)?,
            }
        }
        Vendor::Logicmonitor => {
            let (access_id, access_key, bearer) = (
                take("access_id")?,
                take("access_key")?,
                take("bearer_token")?,
            );
            let raw: RawLogicmonitor = fields(name, table)?;
            let location = location(name, ("account", raw.account), raw.base_url, true)?;
            let credentials = match (
                access_id.is_given(),
                access_key.is_given(),
                bearer.is_given(),
            ) {
                (true, true, false) => LogicMonitorCredentials::Lmv1 {
                    access_id: resolve("access_id", access_id)?,
                    access_key: resolve("access_key", access_key)?,
                },
                (false, false, true) => {
                    LogicMonitorCredentials::Bearer(resolve("bearer_token", bearer)?)
                }
                _ => {
                    return Err(ConfigError::new(
                        Some(name),
                        "access_id_env",
                        "give either access_id and access_key (LMv1) or bearer_token, each as `_env`, `_file` or `_command`",
                    ));
                }
            };
            PortalSettings::Logicmonitor {
                location,
                credentials,
            }
        }
    })
}

/// Deserializes the vendor's fields, naming the portal in any error.
fn fields<T: DeserializeOwned>(name: &str, table: toml::Table) -> Result<T, ConfigError> {
    T::deserialize(toml::Value::Table(table)).map_err(|error| {
        let message = error.message().to_owned();
        let field = message.split('`').nth(1).unwrap_or("portals").to_owned();
        ConfigError::new(Some(name), &field, message)
    })
}

/// Resolves the location: exactly one of the named form and `base_url` (or neither, when
/// the vendor has a default), with the base URL checked as the client will check it.
fn location(
    name: &str,
    (named_field, named): (&str, Option<String>),
    base_url: Option<String>,
    required: bool,
) -> Result<Location, ConfigError> {
    match (named, base_url) {
        (Some(_), Some(_)) => Err(ConfigError::new(
            Some(name),
            "base_url",
            format!("give either `{named_field}` or `base_url`, not both"),
        )),
        (Some(value), None) => {
            core_http::validate::dns_label(named_field, &value)
                .map_err(|error| ConfigError::new(Some(name), named_field, reason_of(&error)))?;
            Ok(Location::Named(value))
        }
        (None, Some(url)) => {
            core_http::check_base_url(&url, false)
                .map_err(|error| ConfigError::new(Some(name), "base_url", reason_of(&error)))?;
            Ok(Location::BaseUrl(url))
        }
        (None, None) if !required => Ok(Location::Default),
        (None, None) => {
            let expected = if named_field.is_empty() {
                "`base_url`".to_owned()
            } else {
                format!("`{named_field}` or `base_url`")
            };
            Err(ConfigError::new(
                Some(name),
                if named_field.is_empty() {
                    "base_url"
                } else {
                    named_field
                },
                format!("missing; give {expected}"),
            ))
        }
    }
}

/// The reason part of a core-http input or configuration error.
fn reason_of(error: &core_http::Error) -> String {
    match error {
        core_http::Error::InvalidInput { reason, .. } | core_http::Error::Config { reason, .. } => {
            reason.clone()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn env(name: &str) -> Option<String> {
        match name {
            "LM_ID" => Some("lmTestAccessId000001".into()),
            "LM_KEY" => Some("canary-lm-key".into()),
            "TL_TOKEN" => Some("canary-tl-token".into()),
            "EMPTY" => Some("   ".into()),
            _ => None,
        }
    }

    fn rejected(text: &str) -> ConfigError {
        parse(text, &env).expect_err("the configuration should be rejected")
    }

    #[test]
    fn parses_every_vendor() {
        let config = parse(
            r#"
            [[portals]]
            name = "lm"
            vendor = "logicmonitor"
            account = "acme"
            access_id_env = "LM_ID"
            access_key_env = "LM_KEY"

            [[portals]]
            name = "tl"
            vendor = "threatlocker"
            instance = "g"
            token_env = "TL_TOKEN"
            organization_id = "c4f6d1e2-0000-4000-8000-000000000001"

            [[portals]]
            name = "at"
            vendor = "allthenticate"
            base_url = "http://127.0.0.1:9000"
            api_key_env = "TL_TOKEN"

            [[portals]]
            name = "pp"
            vendor = "partner-portal"
            portal_id = "pp_1"
            api_key_env = "TL_TOKEN"
            "#,
            &env,
        )
        .unwrap();
        let vendors: Vec<_> = config
            .portals
            .iter()
            .map(|portal| portal.settings.vendor())
            .collect();
        assert_eq!(
            vendors,
            [
                Vendor::Logicmonitor,
                Vendor::Threatlocker,
                Vendor::Allthenticate,
                Vendor::PartnerPortal
            ]
        );
        match &config.portals[0].settings {
            PortalSettings::Logicmonitor {
                location,
                credentials: LogicMonitorCredentials::Lmv1 { access_key, .. },
            } => {
                assert_eq!(location, &Location::Named("acme".into()));
                assert_eq!(access_key.expose_secret(), "canary-lm-key");
            }
            other => panic!("unexpected settings {other:?}"),
        }
        assert!(matches!(
            &config.portals[3].settings,
            PortalSettings::PartnerPortal {
                location: Location::Default,
                ..
            }
        ));
        assert!(
            !format!("{config:?}").contains("canary"),
            "secrets stay out of Debug"
        );
    }

    #[test]
    fn an_unknown_vendor_names_the_portal_and_field() {
        let error = rejected("[[portals]]\nname = \"x\"\nvendor = \"okta\"\n");
        assert_eq!(
            (error.portal.as_deref(), error.field.as_str()),
            (Some("x"), "vendor")
        );
        assert!(
            error
                .to_string()
                .starts_with("portal `x`, field `vendor`: unknown vendor `okta`"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_variable_names_the_portal_field_and_variable() {
        let error = rejected(
            "[[portals]]\nname = \"tl\"\nvendor = \"threatlocker\"\ninstance = \"g\"\ntoken_env = \"NOPE\"\n",
        );
        assert_eq!(
            (error.portal.as_deref(), error.field.as_str()),
            (Some("tl"), "token_env")
        );
        assert!(error.reason.contains("`NOPE` is not set"), "{error}");
        let error = rejected(
            "[[portals]]\nname = \"tl\"\nvendor = \"threatlocker\"\ninstance = \"g\"\ntoken_env = \"EMPTY\"\n",
        );
        assert!(error.reason.contains("is empty"), "{error}");
    }

    #[test]
    fn plain_http_to_a_remote_host_is_refused() {
        let error = rejected(
            "[[portals]]\nname = \"at\"\nvendor = \"allthenticate\"\nbase_url = \"http://auth.example.com\"\napi_key_env = \"TL_TOKEN\"\n",
        );
        assert_eq!(
            (error.portal.as_deref(), error.field.as_str()),
            (Some("at"), "base_url")
        );
        assert!(error.reason.contains("loopback"), "{error}");
    }

    #[test]
    fn a_named_location_must_be_one_dns_label() {
        for (instance, reason) in [
            ("us.east", "single DNS label"),
            ("a/b", "single DNS label"),
            ("-g", "start or end with `-`"),
        ] {
            let error = rejected(&format!(
                "[[portals]]\nname = \"tl\"\nvendor = \"threatlocker\"\ninstance = \"{instance}\"\ntoken_env = \"TL_TOKEN\"\n"
            ));
            assert_eq!(
                (error.portal.as_deref(), error.field.as_str()),
                (Some("tl"), "instance"),
                "{instance}"
            );
            assert!(error.reason.contains(reason), "{instance}: {error}");
        }
    }

    #[test]
    fn other_mistakes_are_named() {
        let cases = [
            (
                "[[portals]]\nvendor = \"threatlocker\"\n",
                "portals[0].name",
            ),
            (
                "[[portals]]\nname = \"a\"\nvendor = \"allthenticate\"\nbase_url = \"https://a.example\"\napi_key_env = \"TL_TOKEN\"\napi_key = \"x\"\n",
                "api_key",
            ),
            (
                "[[portals]]\nname = \"t\"\nvendor = \"threatlocker\"\ntoken_env = \"TL_TOKEN\"\n",
                "instance",
            ),
            (
                "[[portals]]\nname = \"t\"\nvendor = \"threatlocker\"\ninstance = \"g.evil\"\ntoken_env = \"TL_TOKEN\"\n",
                "instance",
            ),
            (
                "[[portals]]\nname = \"t\"\nvendor = \"threatlocker\"\ninstance = \"g\"\ntoken_env = \"TL_TOKEN\"\norganization_id = \"nope\"\n",
                "organization_id",
            ),
            (
                "[[portals]]\nname = \"l\"\nvendor = \"logicmonitor\"\naccount = \"a\"\naccess_id_env = \"LM_ID\"\n",
                "access_id_env",
            ),
            (
                "[[portals]]\nname = \"p\"\nvendor = \"partner-portal\"\nportal_id = \"a/b\"\napi_key_env = \"TL_TOKEN\"\n",
                "portal_id",
            ),
            (
                "[[portals]]\nname = \"p\"\nvendor = \"partner-portal\"\nportal_id = \"a\"\napi_key_env = \"TL_TOKEN\"\n[[portals]]\nname = \"p\"\nvendor = \"partner-portal\"\nportal_id = \"b\"\napi_key_env = \"TL_TOKEN\"\n",
                "name",
            ),
        ];
        for (text, field) in cases {
            assert_eq!(rejected(text).field, field, "{text}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn secrets_come_from_a_file_or_a_command_and_only_one_source() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("portalctl-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("lm.key");
        std::fs::write(&key, "canary-lm-file-key\n").unwrap();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        let text = format!(
            "[[portals]]\nname = \"lm\"\nvendor = \"logicmonitor\"\naccount = \"acme\"\n\
             access_id_command = [\"echo\", \"lmCommandAccessId\"]\naccess_key_file = \"{}\"\n",
            key.display()
        );
        let config = parse(&text, &env).unwrap();
        match &config.portals[0].settings {
            PortalSettings::Logicmonitor {
                credentials:
                    LogicMonitorCredentials::Lmv1 {
                        access_id,
                        access_key,
                    },
                ..
            } => {
                assert_eq!(access_id.expose_secret(), "lmCommandAccessId");
                assert_eq!(access_key.expose_secret(), "canary-lm-file-key");
            }
            other => panic!("unexpected settings {other:?}"),
        }
        assert!(!format!("{config:?}").contains("canary"));

        let both = rejected(&format!(
            "[[portals]]\nname = \"tl\"\nvendor = \"threatlocker\"\ninstance = \"g\"\n\
             token_env = \"TL_TOKEN\"\ntoken_file = \"{}\"\n",
            key.display()
        ));
        assert_eq!(
            (both.portal.as_deref(), both.field.as_str()),
            (Some("tl"), "token_file")
        );
        assert!(both.reason.contains("only one of"), "{both}");

        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let open = rejected(&text);
        assert_eq!(
            (open.portal.as_deref(), open.field.as_str()),
            (Some("lm"), "access_key_file")
        );
        assert!(!open.to_string().contains("canary"), "{open}");
    }
}
