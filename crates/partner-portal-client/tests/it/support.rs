//! What the sandbox-backed test modules share: the virtual clock's start and clients of a
//! served simulator.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use core_http::clock::ManualClock;
use partner_portal_client::{Client, ClientBuilder, SecretString};
use portal_sandbox::Sandbox;

/// 2026-01-01T00:00:00Z, where the tests' virtual clocks start.
pub(crate) fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// A client builder for `sandbox` sending `key`, its time kept by `clock`.
pub(crate) fn client_builder(sandbox: &Sandbox, key: &str, clock: &ManualClock) -> ClientBuilder {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(SecretString::from(key))
        .clock(Arc::new(clock.clone()))
}
