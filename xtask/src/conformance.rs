//! `cargo xtask conformance [--vendor V] [--max-examples N] [--seed S]`: schemathesis
//! against each vendor's sandbox, with that vendor's `openapi.json`.
//!
//! schemathesis (pinned, from PyPI) lives in a virtual environment in
//! `target/conformance-venv`, made on first use. The sandboxes are served by the
//! `portal-sandbox` example `serve`, which prints each base URL and credential. Every
//! check runs (schemathesis' default; `--checks all` would re-enable what a vendor's file
//! turns off): no server error, statuses, headers and bodies as the spec says,
//! schema-valid data accepted and invalid data refused. The exceptions a vendor's
//! documented behaviour needs are in `xtask/conformance/<vendor>.toml`, each with the
//! rule it follows. Reports (JUnit) go to `target/conformance/`.
//!
//! Then LogicMonitor's official SDK is driven against `portalctl sandbox` ([`sdk_check`]).

use std::{
    fs,
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, ChildStdin, Command, Stdio},
};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;

use crate::integration::Vendor;
use crate::sdk_check;

/// The schemathesis release the checks are pinned to.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// Arguments of `cargo xtask conformance`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only check this vendor's sandbox.
    #[arg(long, value_enum)]
    vendor: Option<Vendor>,
    /// Test cases per operation and phase.
    #[arg(long, default_value_t = 100)]
    max_examples: u32,
    /// Seed of the generated data, for a run that can be repeated.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

/// The name the `serve` example and the config files use, e.g. `partner-portal`.
fn name(vendor: Vendor) -> String {
    vendor
        .to_possible_value()
        .expect("no vendor is skipped")
        .get_name()
        .to_owned()
}

/// One sandbox as the `serve` example announces it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Served {
    vendor: String,
    base_url: String,
    authorization: String,
    portal_id: Option<String>,
}

/// What schemathesis reported for one vendor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Summary {
    operations: Option<u64>,
    generated: Option<u64>,
    failures: u64,
}

/// Runs the contract checks of the workspace at `root`.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    let work = root.join("target").join("conformance");
    fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let st = ensure_schemathesis(root)?;
    let vendors: Vec<Vendor> = args
        .vendor
        .map_or_else(|| Vendor::value_variants().to_vec(), |v| vec![v]);

    let (mut sandboxes, stdin, served) = start_sandboxes(root)?;
    let mut results = Vec::new();
    let mut outcome = Ok(());
    for vendor in vendors {
        let Some(sandbox) = served.iter().find(|s| s.vendor == name(vendor)) else {
            outcome = Err(anyhow::anyhow!(
                "the sandbox did not announce {}",
                name(vendor)
            ));
            break;
        };
        match check(&st, root, &work, vendor, sandbox, args) {
            Ok(result) => results.push((vendor, result)),
            Err(error) => {
                outcome = Err(error);
                break;
            }
        }
    }
    // Closing its standard input stops the sandbox.
    drop(stdin);
    let _ = sandboxes.wait();
    outcome?;
    if args
        .vendor
        .is_none_or(|vendor| vendor == Vendor::Logicmonitor)
    {
        sdk_check::run(root)?;
    }

    println!(
        "\n{:<16} {:>10} {:>12} {:>9}",
        "vendor", "operations", "test cases", "failures"
    );
    for (vendor, (_, summary)) in &results {
        println!(
            "{:<16} {:>10} {:>12} {:>9}",
            name(*vendor),
            summary.operations.map_or("?".to_owned(), |n| n.to_string()),
            summary.generated.map_or("?".to_owned(), |n| n.to_string()),
            summary.failures
        );
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, (passed, _))| !passed)
        .map(|(vendor, _)| name(*vendor))
        .collect();
    if !failed.is_empty() {
        bail!(
            "the contract checks failed for {}; see target/conformance/<vendor>.log",
            failed.join(", ")
        );
    }
    Ok(())
}

/// The `st` program of the pinned schemathesis, installed into a virtual environment
/// under `target/` when it is not there yet.
fn ensure_schemathesis(root: &Path) -> Result<PathBuf> {
    let venv = root.join("target").join("conformance-venv");
    let st = venv.join("bin").join("st");
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned());
    if !installed.is_some_and(|text| text.contains(SCHEMATHESIS_VERSION)) {
        install_into_venv(&venv, &format!("schemathesis=={SCHEMATHESIS_VERSION}"))?;
    }
    Ok(st)
}

/// Creates the virtual environment `venv` (`$PYTHON`, else `python3`) and installs
/// `requirement` (pinned) into it.
pub(crate) fn install_into_venv(venv: &Path, requirement: &str) -> Result<()> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run_quiet(
        Command::new(&python).args(["-m", "venv"]).arg(venv),
        "creating the virtual environment",
    )?;
    run_quiet(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(requirement),
        &format!("installing {requirement}"),
    )
}

/// Runs `command`, echoing it, and fails unless it succeeds.
pub(crate) fn run_quiet(command: &mut Command, what: &str) -> Result<()> {
    println!("$ {command:?}");
    let status = command
        .status()
        .with_context(|| format!("{what}: could not start {command:?}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}

/// Starts the `serve` example and reads what it announces, up to its blank line.
fn start_sandboxes(root: &Path) -> Result<(Child, ChildStdin, Vec<Served>)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--locked",
            "--package",
            "portal-sandbox",
            "--example",
            "serve",
        ])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start the sandbox (`cargo run --example serve`)")?;
    let stdin = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut served = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("reading the sandbox's announcement")?;
        if line.trim().is_empty() {
            return Ok((child, stdin, served));
        }
        served.push(parse_served(&line)?);
    }
    let _ = child.kill();
    bail!("the sandbox stopped before announcing its URLs")
}

/// Reads one line of the `serve` example.
fn parse_served(line: &str) -> Result<Served> {
    let value: serde_json::Value =
        serde_json::from_str(line).with_context(|| format!("not a sandbox line: {line}"))?;
    let text = |key: &str| {
        value[key]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the sandbox line has no `{key}`"))
    };
    Ok(Served {
        vendor: text("vendor")?,
        base_url: text("base_url")?,
        authorization: text("authorization")?,
        portal_id: value["path_parameters"]["portalId"]
            .as_str()
            .map(str::to_owned),
    })
}

/// Runs schemathesis for one vendor; `true` when every check passed.
fn check(
    st: &Path,
    root: &Path,
    work: &Path,
    vendor: Vendor,
    sandbox: &Served,
    args: &Args,
) -> Result<(bool, Summary)> {
    let name = name(vendor);
    let name = name.as_str();
    let spec = root
        .join("crates")
        .join(format!("{name}-client"))
        .join("openapi.json");
    let config = root
        .join("xtask")
        .join("conformance")
        .join(format!("{name}.toml"));
    let log = work.join(format!("{name}.log"));
    println!(
        "checking {name} against {} (log: {})",
        spec.display(),
        log.display()
    );
    let output = fs::File::create(&log)?;
    let mut command = Command::new(st);
    command
        .arg("--config-file")
        .arg(&config)
        .args(st_run_args(&spec, sandbox, work, name, args))
        .env("SANDBOX_AUTHORIZATION", &sandbox.authorization)
        .env(
            "SANDBOX_PORTAL_ID",
            sandbox.portal_id.as_deref().unwrap_or(""),
        )
        .current_dir(work)
        .stdin(Stdio::null())
        .stdout(Stdio::from(output.try_clone()?))
        .stderr(Stdio::from(output));
    let status = command
        .status()
        .with_context(|| format!("could not start {}", st.display()))?;
    let text = fs::read_to_string(&log).unwrap_or_default();
    let summary = parse_summary(&text);
    let mut out = std::io::stdout().lock();
    for line in text.lines().skip_while(|line| !line.contains("SUMMARY")) {
        writeln!(out, "  {line}")?;
    }
    Ok((status.success(), summary))
}

/// The arguments of `st run` after the config file.
fn st_run_args(spec: &Path, sandbox: &Served, work: &Path, name: &str, args: &Args) -> Vec<String> {
    vec![
        "run".into(),
        spec.display().to_string(),
        "--url".into(),
        sandbox.base_url.clone(),
        "--max-examples".into(),
        args.max_examples.to_string(),
        "--seed".into(),
        args.seed.to_string(),
        "--workers".into(),
        "1".into(),
        "--generation-database".into(),
        "none".into(),
        "--no-color".into(),
        "--report".into(),
        "junit".into(),
        "--report-junit-path".into(),
        work.join(format!("{name}.xml")).display().to_string(),
    ]
}

/// Reads the operation and test-case counts and the failures from schemathesis' summary.
fn parse_summary(text: &str) -> Summary {
    let mut summary = Summary::default();
    let number = |text: &str| {
        text.trim()
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let mut lines = text.lines().skip_while(|line| !line.contains("SUMMARY"));
    while let Some(line) = lines.next() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Tested:") {
            summary.operations = number(rest);
        } else if line == "Test cases:" {
            summary.generated = lines.next().and_then(number);
        } else if let Some(rest) = line.strip_prefix("❌ ST") {
            summary.failures += rest.rsplit(':').next().and_then(number).unwrap_or(1);
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sandbox_announcement() {
        let line = r#"{"authorization":"Bearer sk:x","base_url":"http://127.0.0.1:4000","path_parameters":{"portalId":"pp_1"},"vendor":"partner-portal"}"#;
        assert_eq!(
            parse_served(line).unwrap(),
            Served {
                vendor: "partner-portal".into(),
                base_url: "http://127.0.0.1:4000".into(),
                authorization: "Bearer sk:x".into(),
                portal_id: Some("pp_1".into()),
            }
        );
        assert!(parse_served(r#"{"vendor":"x"}"#).is_err());
        assert!(parse_served("Listening").is_err());
    }

    #[test]
    fn reads_the_summary_figures() {
        let failing = "\
=================================== SUMMARY ====================================

API Operations:
  Selected: 4/4
  Tested: 4

Test Phases:
  ❌ Examples
  ⏭  Stateful (not applicable)

Failures:
  ❌ ST401 Unexpected response to a request without authentication: 3
  ❌ ST202 Schema-valid request rejected: 3

Test cases:
  18 generated, 6 found 8 unique failures
";
        assert_eq!(
            parse_summary(failing),
            Summary {
                operations: Some(4),
                generated: Some(18),
                failures: 6,
            }
        );
        assert_eq!(parse_summary("no summary"), Summary::default());
    }

    #[test]
    fn every_vendor_has_a_spec_and_a_config() {
        let root = crate::workspace_root();
        for vendor in Vendor::value_variants() {
            let name = name(*vendor);
            assert!(
                root.join(format!("crates/{name}-client/openapi.json"))
                    .exists(),
                "{name}"
            );
            let config =
                fs::read_to_string(root.join(format!("xtask/conformance/{name}.toml"))).unwrap();
            assert!(config.contains("${SANDBOX_AUTHORIZATION}"), "{name}");
        }
    }
}
