//! `cargo xtask fuzz [--seconds N] [--target NAME]…`: the libFuzzer targets of `fuzz/`,
//! one after the other.
//!
//! cargo-fuzz is installed when missing; targets build with the nightly toolchain, with
//! debug assertions (so integer overflow panics) and without a sanitizer (the workspace
//! forbids `unsafe`: panics are what the targets look for). The corpus of each response
//! target starts from the vendor crate's test fixtures. Every target runs for the same
//! time; the table at the end gives its executions and the files of the inputs that made
//! it fail, and the task fails when there is any.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};

/// Arguments of `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Seconds to run each target.
    #[arg(long, default_value_t = 600)]
    seconds: u64,
    /// Only run this target (repeatable; default: every target `cargo fuzz list` shows).
    #[arg(long = "target", value_name = "NAME")]
    targets: Vec<String>,
}

/// What one target's run came to.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    /// Inputs executed (`stat::number_of_executed_units`).
    executions: Option<u64>,
    /// Files libFuzzer wrote for inputs that failed.
    crashes: Vec<String>,
}

/// Runs the fuzz targets of the workspace at `root`.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    let fuzz_dir = root.join("fuzz");
    ensure_cargo_fuzz()?;
    let targets = if args.targets.is_empty() {
        list_targets(&fuzz_dir)?
    } else {
        args.targets.clone()
    };
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("fuzz");
    let logs = target_dir.join("logs");
    fs::create_dir_all(&logs).with_context(|| format!("creating {}", logs.display()))?;

    let mut results = Vec::new();
    for target in &targets {
        let corpus = fuzz_dir.join("corpus").join(target);
        seed_corpus(root, target, &corpus)?;
        let log = logs.join(format!("{target}.log"));
        println!(
            "fuzzing {target} for {} s (log: {})",
            args.seconds,
            log.display()
        );
        let output = fs::File::create(&log)?;
        let mut command = nightly_cargo();
        command
            .args(fuzz_run_args(
                &fuzz_dir,
                &target_dir,
                target,
                &corpus,
                args.seconds,
            ))
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::from(output.try_clone()?))
            .stderr(Stdio::from(output));
        let status = command
            .status()
            .with_context(|| format!("could not start `cargo fuzz run {target}`"))?;
        let text = fs::read_to_string(&log).unwrap_or_default();
        let outcome = parse_log(&text);
        if !status.success() && outcome.crashes.is_empty() {
            bail!(
                "`cargo fuzz run {target}` failed ({status}); see {}",
                log.display()
            );
        }
        results.push((target.clone(), outcome));
    }

    println!(
        "\n{:<28} {:>8} {:>14} {:>10}  findings",
        "target", "seconds", "executions", "exec/s"
    );
    for (target, outcome) in &results {
        let executions = outcome.executions.unwrap_or(0);
        println!(
            "{target:<28} {:>8} {executions:>14} {:>10}  {}",
            args.seconds,
            executions / args.seconds.max(1),
            if outcome.crashes.is_empty() {
                "none".to_owned()
            } else {
                outcome.crashes.join(", ")
            }
        );
    }
    let failed: Vec<&str> = results
        .iter()
        .filter(|(_, outcome)| !outcome.crashes.is_empty())
        .map(|(target, _)| target.as_str())
        .collect();
    if !failed.is_empty() {
        bail!(
            "fuzzing found failing inputs in {}; reproduce with `cargo +nightly fuzz run <target> <file>`",
            failed.join(", ")
        );
    }
    Ok(())
}

/// `cargo` on the nightly toolchain, whatever toolchain runs xtask.
fn nightly_cargo() -> Command {
    let mut command = Command::new("cargo");
    command
        .env("RUSTUP_TOOLCHAIN", "nightly")
        .env_remove("CARGO");
    command
}

/// Installs cargo-fuzz unless `cargo fuzz` already runs.
fn ensure_cargo_fuzz() -> Result<()> {
    let present = nightly_cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if present {
        return Ok(());
    }
    println!("$ cargo install --locked cargo-fuzz");
    let status = Command::new("cargo")
        .args(["install", "--locked", "cargo-fuzz"])
        .env_remove("CARGO")
        .status()
        .context("could not start `cargo install cargo-fuzz`")?;
    if !status.success() {
        bail!("`cargo install --locked cargo-fuzz` failed ({status})");
    }
    Ok(())
}

/// The targets `cargo fuzz list` reports.
fn list_targets(fuzz_dir: &Path) -> Result<Vec<String>> {
    let output = nightly_cargo()
        .args(["fuzz", "list", "--fuzz-dir"])
        .arg(fuzz_dir)
        .output()
        .context("could not start `cargo fuzz list`")?;
    if !output.status.success() {
        bail!(
            "`cargo fuzz list` failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let targets: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    if targets.is_empty() {
        bail!(
            "`cargo fuzz list` found no targets in {}",
            fuzz_dir.display()
        );
    }
    Ok(targets)
}

/// The arguments of `cargo fuzz run` for one target.
fn fuzz_run_args(
    fuzz_dir: &Path,
    target_dir: &Path,
    target: &str,
    corpus: &Path,
    seconds: u64,
) -> Vec<String> {
    let path = |p: &Path| p.display().to_string();
    vec![
        "fuzz".into(),
        "run".into(),
        "--fuzz-dir".into(),
        path(fuzz_dir),
        "--target-dir".into(),
        path(target_dir),
        "--debug-assertions".into(),
        "--sanitizer".into(),
        "none".into(),
        target.into(),
        path(corpus),
        "--".into(),
        format!("-max_total_time={seconds}"),
        "-timeout=10".into(),
        "-print_final_stats=1".into(),
    ]
}

/// The vendor crate whose test fixtures seed a response target's corpus.
fn fixtures_of(target: &str) -> Option<&'static str> {
    match target {
        "threatlocker_responses" => Some("crates/threatlocker-client/tests/fixtures"),
        "allthenticate_responses" => Some("crates/allthenticate-client/tests/fixtures"),
        "partner_portal_responses" => Some("crates/partner-portal-client/tests/fixtures"),
        "logicmonitor_responses" => Some("crates/logicmonitor-client/tests/fixtures"),
        _ => None,
    }
}

/// Creates the corpus directory and copies in the target's fixtures not yet there.
fn seed_corpus(root: &Path, target: &str, corpus: &Path) -> Result<()> {
    fs::create_dir_all(corpus).with_context(|| format!("creating {}", corpus.display()))?;
    let Some(fixtures) = fixtures_of(target) else {
        return Ok(());
    };
    for entry in fs::read_dir(root.join(fixtures))? {
        let entry = entry?;
        let seed = corpus.join(format!("fixture-{}", entry.file_name().to_string_lossy()));
        if !seed.exists() {
            fs::copy(entry.path(), &seed).with_context(|| format!("seeding {}", seed.display()))?;
        }
    }
    Ok(())
}

/// Reads executions and failing-input files from libFuzzer's output.
fn parse_log(text: &str) -> Outcome {
    let executions = text.lines().find_map(|line| {
        line.strip_prefix("stat::number_of_executed_units:")?
            .trim()
            .parse()
            .ok()
    });
    let crashes = text
        .lines()
        .filter_map(|line| {
            let (_, path) = line.split_once("Test unit written to ")?;
            Some(path.trim().to_owned())
        })
        .collect();
    Outcome {
        executions,
        crashes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_executions_and_crash_files() {
        let log = "\
#1048576\tpulse  cov: 2169 ft: 4002 corp: 642/7121b exec/s: 42110 rss: 64Mb
==1234== ERROR: libFuzzer: deadly signal
artifact_prefix='/r/fuzz/artifacts/pagination/'; Test unit written to /r/fuzz/artifacts/pagination/crash-01d8
Base64: T09PtwAA//////////Y=
stat::number_of_executed_units: 4457
stat::average_exec_per_sec:     0
";
        assert_eq!(
            parse_log(log),
            Outcome {
                executions: Some(4457),
                crashes: vec!["/r/fuzz/artifacts/pagination/crash-01d8".to_owned()],
            }
        );
        assert_eq!(
            parse_log("stat::number_of_executed_units: 25000000\n"),
            Outcome {
                executions: Some(25_000_000),
                crashes: Vec::new(),
            }
        );
    }

    #[test]
    fn runs_with_overflow_checks_for_the_given_time() {
        let args = fuzz_run_args(
            Path::new("/r/fuzz"),
            Path::new("/t/fuzz"),
            "retry_after",
            Path::new("/r/fuzz/corpus/retry_after"),
            600,
        );
        let line = args.join(" ");
        assert!(
            line.starts_with("fuzz run --fuzz-dir /r/fuzz --target-dir /t/fuzz"),
            "{line}"
        );
        assert!(line.contains("--debug-assertions"), "{line}");
        assert!(
            line.ends_with(
                "retry_after /r/fuzz/corpus/retry_after -- -max_total_time=600 -timeout=10 -print_final_stats=1"
            ),
            "{line}"
        );
    }

    #[test]
    fn every_response_target_has_fixtures() {
        let root = crate::workspace_root();
        for target in [
            "threatlocker_responses",
            "allthenticate_responses",
            "partner_portal_responses",
            "logicmonitor_responses",
        ] {
            let fixtures = root.join(fixtures_of(target).unwrap());
            assert!(
                fs::read_dir(&fixtures).unwrap().count() > 0,
                "{}",
                fixtures.display()
            );
            assert!(
                root.join("fuzz/fuzz_targets")
                    .join(format!("{target}.rs"))
                    .exists(),
                "{target}"
            );
        }
        assert_eq!(fixtures_of("pagination"), None);
    }
}
