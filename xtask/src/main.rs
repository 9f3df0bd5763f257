//! Project automation, run as `cargo xtask <command>` (see `cargo xtask --help`).
//!
//! One module per command; [`cmd`] runs `cargo` the same way for all of them.

mod bench;
mod ci;
mod cmd;
mod codegen;
mod conformance;
mod deps;
mod evidence_check;
mod fuzz;
mod integration;
mod release;
mod sdk_check;
mod tools;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::Result;
use clap::{Parser, Subcommand};

/// Project automation for the portal user-management workspace.
#[derive(Debug, Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", version, about)]
struct Cli {
    /// The task to run.
    #[command(subcommand)]
    command: Task,
}

/// The tasks `cargo xtask` runs.
#[derive(Debug, Subcommand)]
enum Task {
    /// Regenerate `src/generated.rs` of every vendor crate from its `openapi.json`.
    Codegen(codegen::Args),
    /// Run everything CI checks: fmt, clippy, codegen check, dependency policy (cargo-deny,
    /// lean clients, MSRV), tests, docs.
    Ci,
    /// Run the scenario suites against the sandbox.
    Integration(integration::Args),
    /// Run every benchmark and print one table (`--quick` for a smoke run).
    Bench(bench::Args),
    /// Release the crates changed since their last tag (a dry run without `--execute`).
    Release(release::Args),
    /// Run every fuzz target in turn (`--seconds` each) and report executions and findings.
    Fuzz(fuzz::Args),
    /// Check each sandbox against its vendor's `openapi.json` with schemathesis.
    Conformance(conformance::Args),
    /// Render an access review's evidence page in headless Chromium.
    EvidenceCheck(evidence_check::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command, &workspace_root()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one task against the workspace at `root`.
fn run(task: Task, root: &Path) -> Result<()> {
    match task {
        Task::Codegen(args) => codegen::run(&args, root),
        Task::Ci => ci::run(root),
        Task::Integration(args) => integration::run(&args, root),
        Task::Bench(args) => bench::run(&args, root),
        Task::Release(args) => release::run(&args, root),
        Task::Fuzz(args) => fuzz::run(&args, root),
        Task::Conformance(args) => conformance::run(&args, root),
        Task::EvidenceCheck(args) => evidence_check::run(&args, root),
    }
}

/// The workspace root: the parent of this crate's directory.
///
/// The directory is the one cargo names when it runs xtask (`cargo run` sets
/// `CARGO_MANIFEST_DIR`), not the one this binary was compiled in: a binary built from
/// another checkout (a release's scratch worktree, say) must still work on this one.
fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn release_takes_an_explicit_dry_run_but_not_with_execute() {
        let parsed = Cli::try_parse_from(["xtask", "release", "--dry-run", "minor"]).unwrap();
        assert!(matches!(parsed.command, Task::Release(_)), "{parsed:?}");
        assert!(Cli::try_parse_from(["xtask", "release", "--dry-run", "--execute"]).is_err());
    }

    #[test]
    fn workspace_root_holds_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }
}
