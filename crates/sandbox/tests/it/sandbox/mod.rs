//! Integration tests of the sandbox server, seen from real clients.

mod client;
mod faults;
mod journal;
mod rate_limits;
mod server;
