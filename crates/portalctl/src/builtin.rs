//! The built-in sandbox: all four vendor simulators on loopback, seeded, with a portals
//! file pointing at them. Used when no configuration is found, and by `portalctl sandbox`.

use std::io;
use std::time::SystemTime;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::Allthenticate;
use portal_sandbox::logicmonitor::LogicMonitorSandbox;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::{DEFAULT_ROLE_NAMES, ThreatLocker};

use crate::config::{self, Config, ConfigError};

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
    let threatlocker = ThreatLocker::builder()
        .seed(SEED)
        .children(sizes.children)
        .role_names(DEFAULT_ROLE_NAMES.iter().copied().chain([TECHNICIAN_ROLE]))
        .children_lacking_role(TECHNICIAN_ROLE, sizes.lacking_role)
        .users(sizes.users)
        .now(now)
        .build();
    let allthenticate = Allthenticate::builder()
        .seed(SEED)
        .users(sizes.users)
        .now(now)
        .build();
    let partners = PartnerPortalSim::builder()
        .seed(SEED)
        .users(sizes.users)
        .now(now)
        .build();
    let logicmonitor = LogicMonitorSandbox::builder()
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
