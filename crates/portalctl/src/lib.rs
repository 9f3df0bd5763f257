//! Cross-portal user lifecycle: the library behind the `portalctl` command.

pub mod capability;
pub mod config;
pub mod journal;
pub mod output;
pub mod plan;
pub mod record;
