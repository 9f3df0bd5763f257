//! Serves the four simulators on loopback until standard input closes, for tools outside
//! Rust (such as the API contract checks of `cargo xtask conformance`).
//!
//! Prints one JSON object per vendor on standard output, then a blank line:
//! `{"vendor", "base_url", "authorization", "path_parameters"}`, where `authorization` is
//! the value of the `Authorization` header the simulator accepts (a throwaway sandbox
//! credential) and `path_parameters` holds values that must be real, such as Whaly's
//! portal id.
//!
//! ```text
//! cargo run -p portal-sandbox --example serve
//! ```

use std::io::Read;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::ThreatLockerSim;
use serde_json::json;

const SEED: u64 = 42;
const USERS: usize = 50;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let threatlocker = ThreatLockerSim::builder().seed(SEED).users(USERS).build();
    let allthenticate = AllthenticateSim::builder().seed(SEED).users(USERS).build();
    let partners = PartnerPortalSim::builder().seed(SEED).users(USERS).build();
    let logicmonitor = LogicMonitorSim::builder().seed(SEED).users(USERS).build();
    let start = |router| Sandbox::builder().seed(SEED).router(router).start();
    let servers = [
        (
            "threatlocker",
            start(threatlocker.router()).await?,
            "",
            threatlocker.token(),
            json!({}),
        ),
        (
            "allthenticate",
            start(allthenticate.router()).await?,
            "",
            format!("Bearer {}", allthenticate.api_key()),
            json!({}),
        ),
        (
            "partner-portal",
            start(partners.router()).await?,
            "",
            format!("Bearer {}", partners.api_key()),
            json!({ "portalId": partners.portal_id() }),
        ),
        (
            "logicmonitor",
            start(logicmonitor.router()).await?,
            "/santaba/rest",
            format!("Bearer {}", logicmonitor.bearer_token()),
            json!({}),
        ),
    ];
    for (vendor, server, prefix, authorization, path_parameters) in &servers {
        let line = json!({
            "vendor": vendor,
            "base_url": server.url(prefix),
            "authorization": authorization,
            "path_parameters": path_parameters,
        });
        println!("{line}");
    }
    println!();
    // Serve until whoever started us closes our standard input.
    tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await??;
    for (_, server, ..) in servers {
        server.shutdown().await;
    }
    Ok(())
}
