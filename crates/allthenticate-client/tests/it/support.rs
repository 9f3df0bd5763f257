//! What the sandbox-backed test modules share: clients of a served Allthenticate simulator.

use allthenticate_client::{Client, ClientBuilder, SecretString};
use portal_sandbox::Sandbox;

/// A client builder for `sandbox` sending the API key `key`.
pub(crate) fn client_builder(sandbox: &Sandbox, key: &str) -> ClientBuilder {
    Client::builder()
        .base_url(sandbox.base_url())
        .api_key(SecretString::from(key))
}
