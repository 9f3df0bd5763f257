//! What goes to stderr besides the results: a portal's failure, a note about a portal,
//! and the [`Stop`] for output or journal that can not be written.

use std::io;

use crate::exit::Stop;

/// Reports that `portal` failed, and why.
pub fn failure(portal: &str, reason: &str) {
    eprintln!("portalctl: portal `{portal}` failed: {reason}");
}

/// Reports something about `portal` that is not a failure.
pub fn note(portal: &str, note: &str) {
    eprintln!("portalctl: portal `{portal}`: {note}");
}

/// The stop for stdout that can not be written: quiet when the reader hung up.
pub fn output_stop(error: &io::Error) -> Stop {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Stop::OutputClosed
    } else {
        Stop::Failure(format!("could not write output: {error}"))
    }
}

/// The stop for a journal line that can not be written.
pub fn journal_stop(error: &io::Error) -> Stop {
    Stop::Failure(format!("could not write the journal: {error}"))
}
