//! `cargo xtask bench [--quick]`: the core-http transport overhead benchmark.
//!
//! The bench target prints its result line and writes its summary under `target/bench/`,
//! which is created here first.

use std::{fs, path::Path};

use anyhow::{Context, Result};

use crate::cmd::Cmd;

/// Arguments of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Shorter measurement (criterion's `--quick`), for smoke runs.
    #[arg(long)]
    quick: bool,
}

/// Runs the benchmark in the workspace at `root`.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    let out = root.join("target").join("bench");
    fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    command(args, root).run()
}

/// The `cargo bench` invocation.
fn command(args: &Args, root: &Path) -> Cmd {
    let cmd = Cmd::cargo(root).args(["bench", "-p", "benchmarks", "--bench", "overhead"]);
    if args.quick {
        cmd.args(["--", "--quick"])
    } else {
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_is_passed_to_the_bench_binary() {
        let root = Path::new(".");
        assert_eq!(
            command(&Args { quick: false }, root).to_string(),
            "cargo bench -p benchmarks --bench overhead"
        );
        assert_eq!(
            command(&Args { quick: true }, root).to_string(),
            "cargo bench -p benchmarks --bench overhead -- --quick"
        );
    }
}
