//! `sandbox`: serve the four simulators on loopback until Ctrl-C and print how to use
//! them (see [`crate::builtin::serve`]). It needs no portals and plans nothing.

use crate::builtin;
use crate::exit::{Done, Stop};

/// Serves the built-in sandbox until Ctrl-C.
pub async fn run() -> Result<Done, Stop> {
    builtin::serve().await
}
