//! The review store as the commands use it: opened at the path [`crate::files`] finds,
//! and its errors as [`Stop`]s: what the user asked wrongly (an unknown snapshot, a file
//! that is not a store) is a usage error, what the machine refused (a read-only or full
//! disk) a failure.

use std::path::Path;

use review_store::{Error, Store};

use crate::exit::Stop;

/// Opens (creating it and its directory when missing) the review store at `path`.
pub fn open(path: &Path) -> Result<Store, Stop> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|error| {
            Stop::Failure(format!(
                "review store `{}`: could not create its directory: {error}",
                path.display()
            ))
        })?;
    }
    Store::open(path).map_err(|error| stop(path, &error))
}

/// Opens the review store at `path`, which must exist: reading commands never create one.
pub fn open_existing(path: &Path) -> Result<Store, Stop> {
    if !path.is_file() {
        return Err(Stop::Usage(format!(
            "review store `{}` does not exist; record a snapshot with `portalctl snapshot` first",
            path.display()
        )));
    }
    open(path)
}

/// The [`Stop`] for a store error, naming the store.
pub fn stop(path: &Path, error: &Error) -> Stop {
    let message = match error {
        // These name the file already.
        Error::NotADatabase { .. } | Error::NewerSchema { .. } | Error::Io { .. } => {
            error.to_string()
        }
        _ => format!("review store `{}`: {error}", path.display()),
    };
    match error {
        Error::ReadOnly
        | Error::DiskFull
        | Error::Corrupt(_)
        | Error::Io { .. }
        | Error::Sqlite(_) => Stop::Failure(message),
        _ => Stop::Usage(message),
    }
}
