//! Helpers shared by the benchmark suite in `benches/`; run it with `cargo xtask bench`.
//!
//! - [`Entry`], [`record`], [`print_table`]: results, merged into `target/bench/summary.json`.
//! - [`SandboxProcess`]: a LogicMonitor sandbox served by the `lm-sandbox` binary in a
//!   child process, so a client process's peak memory is its own.
//! - [`peak_rss_kib`]: the peak resident set size the kernel reports for this process.
//! - [`ListRun`]: listing every user through `logicmonitor-client` in a child process
//!   of the bench ([`ListRun::measure`], [`ListRun::serve_child`]).
//! - [`PortalSet`], [`run`]: the release `portalctl` against sandbox portals, with its
//!   wall time and peak memory.

// Counts and sizes become floats for reporting; precision beyond 2^52 is irrelevant here.
#![allow(clippy::cast_precision_loss)]

mod list_child;
mod portalctl_run;

pub use list_child::ListRun;
pub use portalctl_run::{
    PortalSet, Run, StartedPortals, alternate, binary, median_wall, peak_mib, require_binary, run,
};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// One line of the summary: `{name, value, unit, baseline, baseline_value, ratio}` plus
/// the target and whether it was met. `ratio` is always `value / baseline_value`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What was measured.
    pub name: String,
    /// Our figure.
    pub value: f64,
    /// The unit of `value` and `baseline_value`.
    pub unit: String,
    /// What `value` is compared with, if anything.
    pub baseline: Option<String>,
    /// The baseline's figure.
    pub baseline_value: Option<f64>,
    /// The target, in words.
    pub target: String,
    /// Whether the target was met (`None`: no target).
    pub met: Option<bool>,
}

impl Entry {
    /// `value / baseline_value`, when there is a baseline.
    pub fn ratio(&self) -> Option<f64> {
        self.baseline_value.map(|base| self.value / base)
    }

    fn to_json(&self) -> Value {
        serde_json::json!({
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "ratio": self.ratio(),
            "target": self.target,
            "met": self.met,
        })
    }
}

/// The workspace's target directory: `CARGO_TARGET_DIR`, else `target/` beside this
/// package. The package directory is read at run time (cargo sets it for `cargo bench`),
/// so a bench binary built from another checkout never points back into that checkout.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            std::env::var_os("CARGO_MANIFEST_DIR")
                .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
                .join("../target")
        },
        PathBuf::from,
    )
}

/// `target/bench/summary.json` (see [`target_dir`]).
pub fn summary_path() -> PathBuf {
    target_dir().join("bench").join("summary.json")
}

/// Replaces the entries with the same names in the summary file, keeping the others, and
/// prints where it wrote (or why it could not).
pub fn record(entries: &[Entry]) {
    let path = summary_path();
    match merge(&path, entries) {
        Ok(()) => println!("summary: {}", path.display()),
        Err(error) => eprintln!("could not write the benchmark summary: {error}"),
    }
}

fn merge(path: &Path, entries: &[Entry]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut all: Vec<Value> = std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    for entry in entries {
        all.retain(|existing| existing["name"] != entry.name.as_str());
        all.push(entry.to_json());
    }
    std::fs::write(path, serde_json::to_vec_pretty(&all)?)
}

/// Prints entries as a table: name, ours, baseline, ratio, target, met.
pub fn print_table(entries: &[Entry]) {
    println!(
        "{:<52} {:>16} {:>16} {:>8}  target",
        "benchmark", "ours", "baseline", "ratio"
    );
    for entry in entries {
        let base = entry
            .baseline_value
            .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"));
        let ratio = entry
            .ratio()
            .map_or_else(|| "-".to_owned(), |r| format!("{r:.3}"));
        let verdict = match entry.met {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "-",
        };
        println!(
            "{:<52} {:>16} {:>16} {:>8}  {} ({verdict})",
            entry.name,
            format!("{:.2} {}", entry.value, entry.unit),
            base,
            ratio,
            entry.target
        );
    }
}

/// The median of `samples` (the upper one for an even count); `NaN` when empty.
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The peak resident set size of this process in KiB (`VmHWM` in `/proc/self/status`),
/// or `None` where the kernel does not report it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Whether `--quick` is among this process's arguments.
pub fn quick() -> bool {
    std::env::args().any(|arg| arg == "--quick")
}

/// What the `lm-sandbox` binary prints on its first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The client base URL, ending in `/santaba/rest`.
    pub url: String,
    /// The API user's LMv1 access id.
    pub access_id: String,
    /// The API user's LMv1 access key (a throwaway sandbox credential).
    pub access_key: String,
    /// The API user's bearer token (a throwaway sandbox credential).
    pub bearer: String,
}

impl Endpoint {
    /// The line `lm-sandbox` prints.
    pub fn to_line(&self) -> String {
        serde_json::json!({
            "url": self.url,
            "access_id": self.access_id,
            "access_key": self.access_key,
            "bearer": self.bearer,
        })
        .to_string()
    }

    /// Parses [`Endpoint::to_line`]'s output.
    pub fn from_line(line: &str) -> Option<Self> {
        let value: Value = serde_json::from_str(line).ok()?;
        let field = |name: &str| value[name].as_str().map(str::to_owned);
        Some(Self {
            url: field("url")?,
            access_id: field("access_id")?,
            access_key: field("access_key")?,
            bearer: field("bearer")?,
        })
    }
}

/// A LogicMonitor sandbox served by the `lm-sandbox` binary in a child process; the child
/// exits when its standard input closes, so dropping this (or a crash of the bench) ends it.
#[derive(Debug)]
pub struct SandboxProcess {
    child: Child,
    /// Where and how to reach it.
    pub endpoint: Endpoint,
    /// How long the child took to seed its users and start listening.
    pub startup: Duration,
}

impl SandboxProcess {
    /// Starts `binary` (the path of `lm-sandbox`) with `users` seeded users.
    ///
    /// # Panics
    ///
    /// When the binary cannot be started or does not print its endpoint (a bench aborts).
    pub fn start(binary: &str, users: usize) -> Self {
        let started = std::time::Instant::now();
        let mut child = Command::new(binary)
            .arg(users.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start lm-sandbox");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read lm-sandbox's endpoint");
        let endpoint = Endpoint::from_line(line.trim()).expect("lm-sandbox prints its endpoint");
        Self {
            child,
            endpoint,
            startup: started.elapsed(),
        }
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_line_round_trips() {
        let endpoint = Endpoint {
            url: "http://127.0.0.1:1/santaba/rest".into(),
            access_id: "id".into(),
            access_key: "k\"ey".into(),
            bearer: "lmb_x".into(),
        };
        assert_eq!(Endpoint::from_line(&endpoint.to_line()), Some(endpoint));
        assert_eq!(Endpoint::from_line("{\"url\":\"x\"}"), None);
    }

    #[test]
    fn median_takes_the_middle_sample() {
        assert!((median(&[3.0, 1.0, 2.0]) - 2.0).abs() < f64::EPSILON);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn ratio_is_value_over_baseline() {
        let entry = Entry {
            name: "n".into(),
            value: 2.0,
            unit: "s".into(),
            baseline: Some("b".into()),
            baseline_value: Some(8.0),
            target: "t".into(),
            met: None,
        };
        assert_eq!(entry.ratio(), Some(0.25));
        assert_eq!(entry.to_json()["ratio"], 0.25);
    }

    #[test]
    fn merge_replaces_entries_by_name_and_keeps_others() {
        let dir = std::env::temp_dir().join(format!("bench-merge-{}", std::process::id()));
        let path = dir.join("summary.json");
        let entry = |name: &str, value: f64| Entry {
            name: name.into(),
            value,
            unit: "u".into(),
            baseline: None,
            baseline_value: None,
            target: String::new(),
            met: None,
        };
        merge(&path, &[entry("a", 1.0), entry("b", 2.0)]).unwrap();
        merge(&path, &[entry("a", 3.0)]).unwrap();
        let all: Vec<Value> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0]["name"], "b");
        assert_eq!(all[1]["value"], 3.0);
    }

    #[test]
    fn peak_rss_is_reported_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_kib().is_some_and(|kib| kib > 0));
        }
    }
}
