//! `cargo xtask evidence-check [--accounts N]`: the evidence page of an access review,
//! opened in headless Chromium as an auditor would open it.
//!
//! The `review-store` example `evidence_demo` builds a review of N synthetic accounts
//! and exports its bundle into `target/evidence-check/bundle`; Chromium (Debian package
//! `chromium`) renders `review.html` from the file system to
//! `target/evidence-check/review.png`. The check fails when Chromium fails, writes no
//! screenshot, or logs a console message (a script error, a blocked resource). It
//! reports the page's size and how long Chromium took to render it.
//!
//! In `cargo xtask ci` the step is skipped, saying so, on a machine without Chromium.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, Result, bail};

use crate::cmd::Cmd;

/// Arguments of `cargo xtask evidence-check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Accounts in the synthetic review.
    #[arg(long, default_value_t = 2_000)]
    accounts: u64,
}

/// What one check measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rendered {
    /// The size of `review.html` in bytes.
    pub(crate) html_bytes: u64,
    /// Chromium's wall time from start to the screenshot written, in seconds.
    pub(crate) seconds: f64,
}

/// The Chromium program, when the machine has one.
pub(crate) fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        })
}

/// Runs the check from the command line.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    let chromium = chromium().context(
        "chromium not found: install it (Debian: `apt-get install chromium`) to render the evidence page",
    )?;
    check(root, &chromium, args.accounts).map(drop)
}

/// Builds, exports and renders a review of `accounts` accounts.
pub(crate) fn check(root: &Path, chromium: &Path, accounts: u64) -> Result<Rendered> {
    let work = root.join("target").join("evidence-check");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let bundle = work.join("bundle");
    Cmd::cargo(root)
        .args([
            "run".to_owned(),
            "--quiet".to_owned(),
            "--locked".to_owned(),
            "--package".to_owned(),
            "review-store".to_owned(),
            "--example".to_owned(),
            "evidence_demo".to_owned(),
            "--".to_owned(),
            "--accounts".to_owned(),
            accounts.to_string(),
            "--out".to_owned(),
            bundle.display().to_string(),
        ])
        .run()?;
    let page = bundle.join("review.html");
    let html_bytes = fs::metadata(&page)
        .with_context(|| format!("the export wrote no {}", page.display()))?
        .len();
    let screenshot = work.join("review.png");
    let started = Instant::now();
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,1600",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .with_context(|| format!("could not start {}", chromium.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&output.stderr);
    let console = console_messages(&log);
    if !output.status.success() {
        bail!("chromium failed ({}):\n{log}", output.status);
    }
    if !console.is_empty() {
        bail!(
            "the evidence page logged {} console message(s):\n{}",
            console.len(),
            console.join("\n")
        );
    }
    let shot = fs::metadata(&screenshot).map_or(0, |meta| meta.len());
    if shot < 1024 {
        bail!("chromium wrote no screenshot of the evidence page ({shot} bytes)");
    }
    println!(
        "evidence-check: review of {accounts} accounts: review.html {} KiB, rendered by Chromium in {seconds:.2}s, no console messages; screenshot {}",
        html_bytes.div_ceil(1024),
        screenshot.display()
    );
    Ok(Rendered {
        html_bytes,
        seconds,
    })
}

/// The console messages in Chromium's log (`…:CONSOLE:…] "message", source: …`).
fn console_messages(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|line| line.contains(":CONSOLE"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_messages_are_found_in_chromiums_log() {
        let log = "[1:1:1204/124038.479208:WARNING:sandbox_linux.cc:404] InitializeSandbox()\n\
                   [2:2:1204/124038.768652:INFO:CONSOLE:1] \"boom\", source: file:///x.html (1)\n\
                   2649 bytes written to file /tmp/x.png\n";
        assert_eq!(
            console_messages(log),
            ["[2:2:1204/124038.768652:INFO:CONSOLE:1] \"boom\", source: file:///x.html (1)"]
        );
        assert!(console_messages("2649 bytes written to file /tmp/x.png").is_empty());
    }
}
