//! Where portalctl's files are, in one place: the portals file (found, then loaded), the
//! journal and the review store.
//!
//! - **Portals file**: `--config`, else `PORTALCTL_CONFIG` (either must exist: a missing
//!   file is a usage error), else `$XDG_CONFIG_HOME/portalctl/config.toml` or
//!   `~/.config/portalctl/config.toml` if present, else none (the built-in sandbox).
//! - **Journal**: `--journal`, else `$XDG_STATE_HOME/portalctl/journal.jsonl`, else
//!   `~/.local/state/portalctl/journal.jsonl`, else `./portalctl-journal.jsonl`.
//! - **Review store**: `--store`, else `$XDG_DATA_HOME/portalctl/reviews.sqlite3`, else
//!   `~/.local/share/portalctl/reviews.sqlite3`, else `./portalctl-reviews.sqlite3`.

use std::path::{Path, PathBuf};

use crate::config::{self, Config};
use crate::exit::Stop;

/// The portals file to use: `--config`, else `PORTALCTL_CONFIG` (both must exist), else
/// the default path if it exists, else none (the built-in sandbox).
pub fn locate_config(flag: Option<&Path>) -> Result<Option<PathBuf>, Stop> {
    let explicit = flag
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PORTALCTL_CONFIG").map(PathBuf::from));
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(Some(path))
        } else {
            Err(Stop::Usage(format!(
                "config file `{}` does not exist",
                path.display()
            )))
        };
    }
    Ok(default_config_path().filter(|path| path.is_file()))
}

/// The portals file's platform path, whether or not it exists.
pub fn default_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("portalctl").join("config.toml"))
}

/// Reads and checks the portals file at `path`, secrets from the environment.
pub fn load_config(path: &Path) -> Result<Config, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Stop::Usage(format!("config file `{}`: {error}", path.display())))?;
    config::parse(&text, &|name| std::env::var(name).ok())
        .map_err(|error| Stop::Usage(format!("config file `{}`: {error}", path.display())))
}

/// The journal: `--journal`, else the platform state dir, else the current directory.
pub fn journal_path(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| platform_file("XDG_STATE_HOME", "state", "journal.jsonl"))
}

/// The review store: `--store`, else the platform data dir, else the current directory.
pub fn store_path(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| platform_file("XDG_DATA_HOME", "share", "reviews.sqlite3"))
}

/// `$<xdg_variable>/portalctl/<file>`, else `~/.local/<home_dir>/portalctl/<file>`, else
/// `./portalctl-<file>`.
fn platform_file(xdg_variable: &str, home_dir: &str, file: &str) -> PathBuf {
    std::env::var_os(xdg_variable)
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join(home_dir))
        })
        .map_or_else(
            || PathBuf::from(format!("portalctl-{file}")),
            |base| base.join("portalctl").join(file),
        )
}
