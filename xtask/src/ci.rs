//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Result, bail};

use crate::{
    cmd::Cmd,
    codegen, deps, evidence_check,
    tools::{self, Tool},
};

/// What one CI step does.
#[derive(Debug)]
enum Action {
    /// Run a cargo command.
    Cargo(Cmd),
    /// Run a cargo subcommand a bare toolchain may lack, installing it first when missing.
    Tool(Tool, Cmd),
    /// Check the generated code in-process.
    CodegenCheck,
    /// Check that no client crate pulls what only the sandbox, CLI or xtask needs.
    LeanClients,
    /// Check the dependency tree against the minimum Rust version.
    Msrv,
    /// Render an access review's evidence page in headless Chromium (skipped without it).
    EvidenceCheck,
}

/// One named CI step.
#[derive(Debug)]
struct Step {
    /// Short name shown in the headers and the summary.
    name: &'static str,
    /// What the step runs.
    action: Action,
}

/// The CI steps, in the order they run.
fn steps(root: &Path) -> Vec<Step> {
    let cargo = |args: &[&str]| Action::Cargo(Cmd::cargo(root).args(args.iter().copied()));
    vec![
        Step {
            name: "fmt",
            action: Action::Tool(
                tools::RUSTFMT,
                Cmd::cargo(root).args(["fmt", "--all", "--", "--check"]),
            ),
        },
        Step {
            name: "clippy",
            action: Action::Tool(
                tools::CLIPPY,
                Cmd::cargo(root).args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--all-features",
                    "--locked",
                    "--",
                    "-D",
                    "warnings",
                ]),
            ),
        },
        Step {
            name: "codegen check",
            action: Action::CodegenCheck,
        },
        Step {
            // Advisories are left out: their database can not be fetched here (see deny.toml).
            name: "deny",
            action: Action::Tool(
                tools::CARGO_DENY,
                Cmd::cargo(root).args(["deny", "check", "licenses", "bans", "sources"]),
            ),
        },
        Step {
            name: "lean clients",
            action: Action::LeanClients,
        },
        Step {
            name: "msrv",
            action: Action::Msrv,
        },
        Step {
            // Runs unit, integration and doc tests.
            name: "test",
            action: cargo(&["test", "--workspace", "--all-features", "--locked"]),
        },
        Step {
            name: "evidence",
            action: Action::EvidenceCheck,
        },
        Step {
            name: "doc",
            action: Action::Cargo(
                Cmd::cargo(root)
                    .args([
                        "doc",
                        "--workspace",
                        "--no-deps",
                        "--all-features",
                        "--locked",
                    ])
                    .env("RUSTDOCFLAGS", "-D warnings"),
            ),
        },
    ]
}

/// Runs the CI steps against the workspace at `root`.
pub(crate) fn run(root: &Path) -> Result<()> {
    let steps = steps(root);
    let total = steps.len();
    let started = Instant::now();
    let mut passed: Vec<(&str, Duration)> = Vec::new();
    for (index, step) in steps.iter().enumerate() {
        println!("\n==> ci [{}/{total}] {}", index + 1, step.name);
        let step_started = Instant::now();
        let outcome = match &step.action {
            Action::Cargo(cmd) => cmd.run(),
            Action::Tool(tool, cmd) => tool.ensure(root).and_then(|()| cmd.run()),
            Action::CodegenCheck => codegen::check(root),
            Action::LeanClients => deps::check_lean_clients(root),
            Action::Msrv => deps::check_msrv(root),
            Action::EvidenceCheck => evidence(root),
        };
        let elapsed = step_started.elapsed();
        if let Err(err) = outcome {
            print_summary(&passed, Some((step.name, elapsed)), started.elapsed());
            bail!(
                "ci failed at step {}/{total} `{}`: {err:#}",
                index + 1,
                step.name
            );
        }
        println!("<== ci {} ok in {}", step.name, seconds(elapsed));
        passed.push((step.name, elapsed));
    }
    print_summary(&passed, None, started.elapsed());
    println!("ci: all {total} steps passed");
    Ok(())
}

/// The evidence page check, or a note that it was skipped on a machine without Chromium.
fn evidence(root: &Path) -> Result<()> {
    let Some(chromium) = evidence_check::chromium() else {
        println!(
            "evidence: skipped: chromium not found (Debian: `apt-get install chromium`; .ci/run installs it)"
        );
        return Ok(());
    };
    evidence_check::check(root, &chromium, 2_000).map(drop)
}

/// Prints one line per step run so far, and the total time.
fn print_summary(passed: &[(&str, Duration)], failed: Option<(&str, Duration)>, total: Duration) {
    println!("\nci summary:");
    for (name, elapsed) in passed {
        println!("  ok      {name:<14} {:>8}", seconds(*elapsed));
    }
    if let Some((name, elapsed)) = failed {
        println!("  FAILED  {name:<14} {:>8}", seconds(elapsed));
    }
    println!("  total   {:<14} {:>8}", "", seconds(total));
}

/// A duration as seconds with one decimal, e.g. `12.3s`.
fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_run_in_the_documented_order_with_the_required_flags() {
        let shown: Vec<String> = steps(Path::new("."))
            .iter()
            .map(|step| match &step.action {
                Action::Cargo(cmd) | Action::Tool(_, cmd) => cmd.to_string(),
                Action::CodegenCheck => "codegen check".to_owned(),
                Action::LeanClients => "lean clients".to_owned(),
                Action::Msrv => "msrv".to_owned(),
                Action::EvidenceCheck => "evidence check".to_owned(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "cargo fmt --all -- --check",
                "cargo clippy --workspace --all-targets --all-features --locked -- -D warnings",
                "codegen check",
                "cargo deny check licenses bans sources",
                "lean clients",
                "msrv",
                "cargo test --workspace --all-features --locked",
                "evidence check",
                "RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps --all-features --locked",
            ]
        );
    }
}
