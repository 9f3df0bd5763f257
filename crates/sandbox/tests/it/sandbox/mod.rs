//! Integration tests of the sandbox server, seen from real clients.

mod client;
#[cfg(all(
    feature = "allthenticate",
    feature = "logicmonitor",
    feature = "partner-portal"
))]
mod clock;
mod faults;
mod journal;
mod rate_limits;
mod server;
