//! The built-in sandbox: all four vendor simulators on loopback, seeded, with a portals
//! file pointing at them. Used when no configuration is found ([`start_announced`]), and
//! served by `portalctl sandbox` ([`serve`]).

use std::io::{self, Write};
use std::time::SystemTime;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::{DEFAULT_ROLE_NAMES, ThreatLockerSim};

use crate::config::{self, Config, ConfigError};
use crate::exit::{Done, Stop};
use crate::files;

/// The role the sandbox's ThreatLocker children define, except [`Sizes::lacking_role`]
/// of them: what `invite --all-child-orgs` is tried with.
pub const TECHNICIAN_ROLE: &str = "Technician";

/// How much data to seed.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    /// Users per vendor.
    pub users: usize,
    /// ThreatLocker child organizations.
    pub children: usize,
    /// Children without the [`TECHNICIAN_ROLE`] role.
    pub lacking_role: usize,
}

impl Default for Sizes {
    /// 200 users per vendor, 300 ThreatLocker children of which 20 lack "Technician".
    fn default() -> Self {
        Self {
            users: 200,
            children: 300,
            lacking_role: 20,
        }
    }
}

/// The four simulators, running.
#[derive(Debug)]
pub struct Running {
    servers: Vec<(&'static str, Sandbox)>,
    credentials: Vec<(&'static str, String)>,
    portal_id: String,
}

const SEED: u64 = 42;

/// Starts the four simulators on `127.0.0.1` with random ports.
pub async fn start(sizes: Sizes) -> io::Result<Running> {
    let now = SystemTime::now();
    let threatlocker = ThreatLockerSim::builder()
        .seed(SEED)
        .children(sizes.children)
        .role_names(DEFAULT_ROLE_NAMES.iter().copied().chain([TECHNICIAN_ROLE]))
        .children_lacking_role(TECHNICIAN_ROLE, sizes.lacking_role)
        .users(sizes.users)
        .now(now)
        .build();
    let allthenticate = AllthenticateSim::builder()
        .seed(SEED)
        .users(sizes.users)
        .now(now)
        .build();
    let partners = PartnerPortalSim::builder()
        .seed(SEED)
        .users(sizes.users)
        .now(now)
        .build();
    let logicmonitor = LogicMonitorSim::builder()
        .seed(SEED)
        .users(sizes.users)
        .now(now)
        .build();
    let start = |router| Sandbox::builder().seed(SEED).router(router).start();
    let servers = vec![
        ("threatlocker", start(threatlocker.router()).await?),
        ("allthenticate", start(allthenticate.router()).await?),
        ("partner-portal", start(partners.router()).await?),
        ("logicmonitor", start(logicmonitor.router()).await?),
    ];
    let credentials = vec![
        ("PORTALCTL_SANDBOX_TL_TOKEN", threatlocker.token()),
        (
            "PORTALCTL_SANDBOX_AT_API_KEY",
            allthenticate.api_key().to_owned(),
        ),
        (
            "PORTALCTL_SANDBOX_PP_API_KEY",
            partners.api_key().to_owned(),
        ),
        (
            "PORTALCTL_SANDBOX_LM_ACCESS_ID",
            logicmonitor.access_id().to_owned(),
        ),
        (
            "PORTALCTL_SANDBOX_LM_ACCESS_KEY",
            logicmonitor.access_key().to_owned(),
        ),
    ];
    Ok(Running {
        servers,
        credentials,
        portal_id: partners.portal_id().to_owned(),
    })
}

impl Running {
    /// The base URL of each vendor's simulator.
    pub fn base_urls(&self) -> Vec<(&'static str, String)> {
        self.servers
            .iter()
            .map(|(vendor, server)| (*vendor, base_url(vendor, server)))
            .collect()
    }

    /// Environment variable names and the throwaway sandbox credentials they hold.
    pub fn credentials(&self) -> &[(&'static str, String)] {
        &self.credentials
    }

    /// A portals file for the simulators; secrets through [`Self::credentials`]' names.
    pub fn config_toml(&self) -> String {
        let url = |vendor: &str| {
            self.base_urls()
                .into_iter()
                .find(|(name, _)| *name == vendor)
                .map(|(_, url)| url)
                .unwrap_or_default()
        };
        format!(
            r#"[[portals]]
name = "sandbox-threatlocker"
vendor = "threatlocker"
base_url = "{}"
token_env = "PORTALCTL_SANDBOX_TL_TOKEN"

[[portals]]
name = "sandbox-allthenticate"
vendor = "allthenticate"
base_url = "{}"
api_key_env = "PORTALCTL_SANDBOX_AT_API_KEY"

[[portals]]
name = "sandbox-partners"
vendor = "partner-portal"
base_url = "{}"
portal_id = "{}"
api_key_env = "PORTALCTL_SANDBOX_PP_API_KEY"

[[portals]]
name = "sandbox-logicmonitor"
vendor = "logicmonitor"
base_url = "{}"
access_id_env = "PORTALCTL_SANDBOX_LM_ACCESS_ID"
access_key_env = "PORTALCTL_SANDBOX_LM_ACCESS_KEY"
"#,
            url("threatlocker"),
            url("allthenticate"),
            url("partner-portal"),
            self.portal_id,
            url("logicmonitor"),
        )
    }

    /// The configuration for the simulators, credentials taken from memory.
    pub fn config(&self) -> Result<Config, ConfigError> {
        config::parse(&self.config_toml(), &|name| {
            self.credentials
                .iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| value.clone())
        })
    }

    /// Stops the servers.
    pub async fn shutdown(self) {
        for (_, server) in self.servers {
            server.shutdown().await;
        }
    }
}

fn base_url(vendor: &str, server: &Sandbox) -> String {
    if vendor == "logicmonitor" {
        server.url("/santaba/rest")
    } else {
        server.base_url().to_owned()
    }
}

/// Starts the simulators with the default [`Sizes`].
async fn start_default() -> Result<Running, Stop> {
    start(Sizes::default())
        .await
        .map_err(|error| Stop::Failure(format!("could not start the sandbox: {error}")))
}

/// Starts the built-in sandbox (default [`Sizes`]) for a run without portals file, and
/// says so on stderr in one line.
pub async fn start_announced() -> Result<(Config, Running), Stop> {
    let running = start_default().await?;
    let config = running
        .config()
        .map_err(|error| Stop::Failure(error.to_string()))?;
    eprintln!(
        "portalctl: no portals configured (--config, PORTALCTL_CONFIG or {}); using the built-in sandbox of all four vendors",
        files::default_config_path().map_or_else(
            || "the config dir".to_owned(),
            |path| path.display().to_string()
        )
    );
    Ok((config, running))
}

/// `portalctl sandbox`: serves the simulators until Ctrl-C, after printing their URLs,
/// the throwaway credentials as shell `export` lines, and a portals file.
pub async fn serve() -> Result<Done, Stop> {
    let running = start_default().await?;
    let mut out = io::stdout().lock();
    let print = |out: &mut dyn Write| -> io::Result<()> {
        writeln!(out, "Sandbox running on loopback (Ctrl-C to stop).\n")?;
        for (vendor, url) in running.base_urls() {
            writeln!(out, "  {vendor:<16}{url}")?;
        }
        writeln!(out, "\nCredentials (throwaway, sandbox only):\n")?;
        for (variable, value) in running.credentials() {
            writeln!(out, "  export {variable}={}", shell_quoted(value))?;
        }
        writeln!(
            out,
            "\nA portals file (save as portalctl.toml, then `portalctl --config portalctl.toml audit`):\n"
        )?;
        writeln!(out, "{}", running.config_toml())?;
        out.flush()
    };
    print(&mut out).map_err(|error| Stop::Failure(error.to_string()))?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .map_err(|error| Stop::Failure(error.to_string()))?;
    running.shutdown().await;
    Ok(Done::Complete)
}

/// `value` as one POSIX shell word: single-quoted, each `'` written as `'\''`.
fn shell_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_reach_the_shell_unchanged() {
        for value in ["plain", "it's", "'", "a'b'c", "$HOME `x` \\ \"q\" ~!["] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell_quoted(value)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), value);
        }
    }
}
