//! Simulators served for `portalctl`, with the portals file and the environment that point
//! it at them.

use std::fmt::Write as _;
use std::path::Path;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::ThreatLockerSim;

/// Served simulators, the `[[portals]]` entries naming them and the environment variables
/// holding their credentials, in the order they were added.
#[derive(Default)]
pub(crate) struct Portals {
    servers: Vec<Sandbox>,
    toml: String,
    env: Vec<(String, String)>,
}

impl Portals {
    /// Serves `sim` as the ThreatLocker portal `name`, its full token in `token_env`.
    pub(crate) async fn threatlocker(
        &mut self,
        name: &str,
        sim: &ThreatLockerSim,
        token_env: &str,
    ) {
        let server = sim.serve().await.unwrap();
        let token = sim.token();
        let secrets = [("token_env", token_env, token.as_str())];
        self.add(server, name, "threatlocker", &[], &secrets);
    }

    /// Serves `sim` as the Allthenticate portal `name`, its API key in `key_env`.
    pub(crate) async fn allthenticate(
        &mut self,
        name: &str,
        sim: &AllthenticateSim,
        key_env: &str,
    ) {
        let server = sim.serve().await.unwrap();
        let secrets = [("api_key_env", key_env, sim.api_key())];
        self.add(server, name, "allthenticate", &[], &secrets);
    }

    /// Serves `sim` as the Whaly portal `name` (the simulator's first portal), its API key
    /// in `key_env`.
    pub(crate) async fn partner_portal(
        &mut self,
        name: &str,
        sim: &PartnerPortalSim,
        key_env: &str,
    ) {
        let server = sim.serve().await.unwrap();
        let fields = [("portal_id", sim.portal_id())];
        let secrets = [("api_key_env", key_env, sim.api_key())];
        self.add(server, name, "partner-portal", &fields, &secrets);
    }

    /// Serves `sim` as the LogicMonitor portal `name`, its LMv1 access id and key in
    /// `id_env` and `key_env`.
    pub(crate) async fn logicmonitor(
        &mut self,
        name: &str,
        sim: &LogicMonitorSim,
        id_env: &str,
        key_env: &str,
    ) {
        let server = sim.serve().await.unwrap();
        self.logicmonitor_on(server, name, sim, id_env, key_env);
    }

    /// [`Portals::logicmonitor`] on a sandbox already serving `sim`.
    pub(crate) fn logicmonitor_on(
        &mut self,
        server: Sandbox,
        name: &str,
        sim: &LogicMonitorSim,
        id_env: &str,
        key_env: &str,
    ) {
        let secrets = [
            ("access_id_env", id_env, sim.access_id()),
            ("access_key_env", key_env, sim.access_key()),
        ];
        self.add(server, name, "logicmonitor", &[], &secrets);
    }

    /// Adds `server` as the portal `name` of `vendor`, its entry holding `fields` (key,
    /// value) and `secrets` (key, environment variable, value) after the base URL
    /// (LogicMonitor's REST API is under `/santaba/rest`).
    fn add(
        &mut self,
        server: Sandbox,
        name: &str,
        vendor: &str,
        fields: &[(&str, &str)],
        secrets: &[(&str, &str, &str)],
    ) {
        let base_url = if vendor == "logicmonitor" {
            server.url("/santaba/rest")
        } else {
            server.base_url().to_owned()
        };
        writeln!(
            self.toml,
            "[[portals]]\nname = \"{name}\"\nvendor = \"{vendor}\"\nbase_url = \"{base_url}\""
        )
        .unwrap();
        for (key, value) in fields {
            writeln!(self.toml, "{key} = \"{value}\"").unwrap();
        }
        for (key, variable, value) in secrets {
            writeln!(self.toml, "{key} = \"{variable}\"").unwrap();
            self.env.push(((*variable).to_owned(), (*value).to_owned()));
        }
        self.toml.push('\n');
        self.servers.push(server);
    }

    /// Writes the portals file to `dir/portals.toml`; returns the servers, in the order
    /// added, and the environment.
    pub(crate) fn write(self, dir: &Path) -> (Vec<Sandbox>, Vec<(String, String)>) {
        std::fs::write(dir.join("portals.toml"), self.toml).unwrap();
        (self.servers, self.env)
    }
}

/// How many requests `servers` received, all told.
pub(crate) fn requests(servers: &[Sandbox]) -> usize {
    servers.iter().map(|server| server.journal().len()).sum()
}
