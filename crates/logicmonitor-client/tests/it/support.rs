//! What the sandbox-backed test modules share: clients of a served LogicMonitor simulator.

use std::sync::Arc;

use core_http::Clock;
use logicmonitor_client::{Client, ClientBuilder};
use portal_sandbox::Sandbox;
use secrecy::SecretString;

/// A client builder for `sandbox`'s REST API signing with the LMv1 `access_id` and
/// `access_key`, its time kept by `clock`.
pub(crate) fn lmv1_builder(
    sandbox: &Sandbox,
    access_id: &str,
    access_key: &str,
    clock: Arc<dyn Clock>,
) -> ClientBuilder {
    Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .lmv1(access_id, SecretString::from(access_key))
        .clock(clock)
}
