//! What the sandbox-backed test modules share: a served ThreatLocker simulator and clients
//! of it.

use portal_sandbox::Sandbox;
use portal_sandbox::threatlocker::ThreatLockerSim;
use threatlocker_client::Client;

/// Serves `portal`; returns the sandbox and a client holding the portal's full token.
pub(crate) async fn start(portal: &ThreatLockerSim) -> (Sandbox, Client) {
    let sandbox = portal.serve().await.unwrap();
    let client = client(&sandbox, &portal.token());
    (sandbox, client)
}

/// A client of `sandbox` sending `token`.
pub(crate) fn client(sandbox: &Sandbox, token: &str) -> Client {
    Client::builder()
        .base_url(sandbox.base_url())
        .token(token)
        .build()
        .unwrap()
}
