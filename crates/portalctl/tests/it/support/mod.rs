//! What the end-to-end test modules share: running the built `portalctl` as a user
//! would, and reading its output.

use std::path::Path;
use std::process::Output;

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
