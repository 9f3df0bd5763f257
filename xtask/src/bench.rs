//! `cargo xtask bench [--quick] [--check-only]`: every benchmark of the `benchmarks`
//! package in sequence, then one table of all results.
//!
//! Each bench target prints its own table and merges its entries into
//! `target/bench/summary.json`; the summary is emptied first so that it holds this run
//! only. `--check-only` builds the benches and runs nothing.

use std::{fmt::Write as _, fs, path::Path};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::cmd::Cmd;

/// The bench targets, in the order they run (cheapest first).
const BENCHES: [&str; 8] = [
    "overhead",
    "rate_limit",
    "capacity",
    "portalctl",
    "bulk",
    "review",
    "sdk",
    "streaming",
];

/// Arguments of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Fewer rounds and smaller sizes, for a smoke run (under 2 minutes once built).
    #[arg(long)]
    quick: bool,
    /// Only build the benchmarks; run nothing.
    #[arg(long)]
    check_only: bool,
}

/// Runs the benchmarks in the workspace at `root`.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    build(root).run()?;
    // The portalctl benches run the release binary, as a user would, and the review
    // bench the evidence example.
    Cmd::cargo(root)
        .args(["build", "--release", "-p", "portalctl"])
        .run()?;
    Cmd::cargo(root)
        .args([
            "build",
            "--release",
            "-p",
            "review-store",
            "--example",
            "evidence_demo",
        ])
        .run()?;
    if args.check_only {
        return Ok(());
    }
    let out = root.join("target").join("bench");
    fs::create_dir_all(&out).with_context(|| format!("could not create {}", out.display()))?;
    let summary = out.join("summary.json");
    fs::write(&summary, "[]").with_context(|| format!("could not reset {}", summary.display()))?;

    let mut failed = Vec::new();
    for bench in BENCHES {
        println!("\n== {bench} ==");
        if let Err(error) = command(root, bench, args.quick).run() {
            eprintln!("benchmark {bench} failed: {error:#}");
            failed.push(bench);
        }
    }
    let entries: Vec<Value> = fs::read(&summary)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    println!("\n== summary ({}) ==", summary.display());
    print!("{}", table(&entries));
    if !failed.is_empty() {
        bail!("benchmarks failed: {}", failed.join(", "));
    }
    Ok(())
}

/// Builds every bench target (release profile) without running any.
fn build(root: &Path) -> Cmd {
    Cmd::cargo(root).args(["bench", "-p", "benchmarks", "--no-run"])
}

/// The `cargo bench` invocation of one bench target.
fn command(root: &Path, bench: &str, quick: bool) -> Cmd {
    let cmd = Cmd::cargo(root).args(["bench", "-p", "benchmarks", "--bench", bench]);
    if quick {
        cmd.args(["--", "--quick"])
    } else {
        cmd
    }
}

/// The human table of summary entries: name, ours, baseline, ratio, target and verdict.
fn table(entries: &[Value]) -> String {
    let number = |value: &Value| {
        value
            .as_f64()
            .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
    };
    let mut out = format!(
        "{:<56} {:>18} {:>12} {:>7}  target\n",
        "benchmark", "ours", "baseline", "ratio"
    );
    for entry in entries {
        let unit = entry["unit"].as_str().unwrap_or_default();
        let verdict = match entry["met"].as_bool() {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "-",
        };
        let ratio = entry["ratio"]
            .as_f64()
            .map_or_else(|| "-".to_owned(), |r| format!("{r:.3}"));
        let _ = writeln!(
            out,
            "{:<56} {:>18} {:>12} {:>7}  {} ({verdict})",
            entry["name"].as_str().unwrap_or("?"),
            format!("{} {unit}", number(&entry["value"])),
            number(&entry["baseline_value"]),
            ratio,
            entry["target"].as_str().unwrap_or("-"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_is_passed_to_each_bench_binary() {
        assert_eq!(
            command(Path::new("."), "sdk", false).to_string(),
            "cargo bench -p benchmarks --bench sdk"
        );
        assert_eq!(
            command(Path::new("."), "sdk", true).to_string(),
            "cargo bench -p benchmarks --bench sdk -- --quick"
        );
        assert_eq!(
            build(Path::new(".")).to_string(),
            "cargo bench -p benchmarks --no-run"
        );
    }

    #[test]
    fn every_bench_target_is_run() {
        let manifest = include_str!("../../benches/Cargo.toml");
        let declared = manifest.matches("[[bench]]").count();
        assert_eq!(declared, BENCHES.len());
        for bench in BENCHES {
            assert!(manifest.contains(&format!("name = \"{bench}\"")), "{bench}");
        }
    }

    #[test]
    fn table_shows_ratio_and_verdict() {
        let entries: Vec<Value> = serde_json::from_str(
            r#"[{"name":"a","value":2.0,"unit":"s","baseline":"b","baseline_value":4.0,
                 "ratio":0.5,"target":"ratio ≤ 0.6","met":true},
                {"name":"c","value":1.0,"unit":"req/s","baseline":null,"baseline_value":null,
                 "ratio":null,"target":"informational","met":null},
                {"name":"d","value":9.0,"unit":"s","baseline":"b","baseline_value":1.0,
                 "ratio":9.0,"target":"ratio ≤ 1","met":false}]"#,
        )
        .unwrap();
        let table = table(&entries);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(
            lines[1].contains("2.00 s")
                && lines[1].contains("0.500")
                && lines[1].ends_with("(met)")
        );
        assert!(lines[2].contains(" - ") && lines[2].ends_with("informational (-)"));
        assert!(lines[3].ends_with("(MISSED)"));
    }
}
