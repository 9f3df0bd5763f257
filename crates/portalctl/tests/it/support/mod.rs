//! What the end-to-end test modules share: the simulators a portals file lists, running
//! the built `portalctl` as a user would, reading its output, and a scratch directory per
//! test.

mod portals;

use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Output;

pub(crate) use portals::{Portals, requests};

/// A fresh directory under the system's temporary directory, removed when the test that
/// made it passes (kept after a failure, to look into).
pub(crate) struct ScratchDir(PathBuf);

impl ScratchDir {
    /// `portalctl-{name}-{pid}`, emptied if an earlier run left it.
    pub(crate) fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("portalctl-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs the `portalctl` binary with `args`, only `env` and `home` as its home (config and
/// state directories under it), off the async threads so the sandboxes keep serving.
pub(crate) async fn portalctl(
    args: Vec<String>,
    env: Vec<(String, String)>,
    home: &Path,
) -> Output {
    let home = home.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_portalctl"))
            .args(args)
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Output bytes as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
