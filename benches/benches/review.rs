//! Access reviews at scale, as a user runs them (the release `portalctl`, in a child
//! process) and as a library user stores them:
//!
//! - **Snapshot**: `portalctl snapshot` over four sandbox portals of 250,000 accounts each
//!   (Allthenticate, Whaly, two LogicMonitor accounts: 1,000,000 accounts) against
//!   `portalctl audit --format json` over the same portals (the listing alone, printed),
//!   in alternating rounds: peak memory ≤ 1.2× and wall time ≤ 1.3× audit's.
//! - **Insert throughput**: `review-store` in this process writes two snapshots of
//!   1,000,000 accounts into a fresh file (one transaction each): ≥ 200,000 accounts/s.
//! - **Diff**: `portalctl diff --format json` between those two snapshots (1 % of the
//!   accounts removed, 1 % added, 1 % changed): ≤ 3 s and ≤ 128 MiB peak.
//! - **Evidence**: the `review-store` example `evidence_demo` exports a review of 100,000
//!   accounts; `review.html` ≤ 10 MB, and headless Chromium (Debian `chromium`) opens it
//!   and writes a screenshot in < 3 s (median; an empty page alongside for the browser's
//!   own start-up). Skipped, saying so, without Chromium.
//!
//! `--quick`: 4 × 5,000 accounts to snapshot, 2 × 100,000 to diff, a review of 10,000,
//! one round.

#![allow(clippy::cast_precision_loss)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use benchmarks::{
    Entry, PortalSet, Run, alternate, median, median_wall, peak_mib, print_table, quick, record,
    require_binary, run, target_dir,
};
use chrono::{DateTime, TimeDelta, Utc};
use review_store::{Account, LastLogin, PortalOutcome, PortalRun, Store};

const PORTALS: [(&str, &str); 4] = [
    ("at", "allthenticate"),
    ("pp", "partner-portal"),
    ("lm", "logicmonitor"),
    ("lm2", "logicmonitor"),
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    require_binary();
    let home = std::env::temp_dir().join(format!("portalctl-review-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).expect("a scratch directory");
    let (per_portal, diffed, reviewed, rounds) = if quick() {
        (5_000, 100_000, 10_000, 1)
    } else {
        (250_000, 1_000_000, 100_000, 2)
    };
    let mut entries = snapshot_against_audit(&home, per_portal, rounds).await;
    entries.extend(store_and_diff(&home, diffed, rounds));
    entries.extend(evidence(&home, reviewed, rounds.max(3)));
    let _ = std::fs::remove_dir_all(&home);
    print_table(&entries);
    record(&entries);
}

/// `snapshot` against `audit --format json` over four portals of `per_portal` accounts.
async fn snapshot_against_audit(home: &Path, per_portal: usize, rounds: usize) -> Vec<Entry> {
    let portals = PortalSet {
        second_logicmonitor: true,
        ..PortalSet::new(per_portal)
    }
    .start(home)
    .await;
    let config = portals.config.display().to_string();
    let store = home.join("snapshots.sqlite3").display().to_string();
    let (env, home) = (portals.env.clone(), home.to_owned());
    let (audits, snapshots) = tokio::task::spawn_blocking(move || {
        let audit = ["--config", &config, "--format", "json", "audit"];
        let snapshot = ["--config", &config, "snapshot", "--store", &store];
        alternate(rounds, [&audit, &snapshot], &env, &home)
    })
    .await
    .expect("benchmark runs");
    let accounts = per_portal * PORTALS.len();
    let (snapshot_wall, audit_wall) = (median_wall(&snapshots), median_wall(&audits));
    let (snapshot_peak, audit_peak) = (peak_mib(&snapshots), peak_mib(&audits));
    vec![
        Entry {
            name: format!("portalctl snapshot, {accounts} accounts on 4 portals: peak memory"),
            value: snapshot_peak,
            unit: "MiB".into(),
            baseline: Some("audit --format json, same portals".into()),
            baseline_value: Some(audit_peak),
            target: "≤ 1.2× audit's".into(),
            met: Some(snapshot_peak <= 1.2 * audit_peak),
        },
        Entry {
            name: "portalctl snapshot: wall".into(),
            value: snapshot_wall,
            unit: "s".into(),
            baseline: Some("audit --format json (the listing)".into()),
            baseline_value: Some(audit_wall),
            target: "≤ 1.3× the listing".into(),
            met: Some(snapshot_wall <= 1.3 * audit_wall),
        },
    ]
}

/// Two snapshots of `accounts` written through `review-store`, then `portalctl diff`.
fn store_and_diff(home: &Path, accounts: usize, rounds: usize) -> Vec<Entry> {
    let path = home.join("diff.sqlite3");
    let mut store = Store::open(&path).expect("a store");
    let started = Instant::now();
    write_snapshot(&mut store, accounts, 0);
    write_snapshot(&mut store, accounts, accounts / 100);
    let per_second = (2 * accounts) as f64 / started.elapsed().as_secs_f64();
    drop(store);
    let store = path.display().to_string();
    let diffs: Vec<Run> = (0..rounds.max(3))
        .map(|_| {
            let done = run(&["--format", "json", "diff", "--store", &store], &[], home);
            assert_eq!(done.code, Some(0), "diff failed: {}", done.stderr);
            done
        })
        .collect();
    let (diff_wall, diff_peak) = (median_wall(&diffs), peak_mib(&diffs));
    vec![
        Entry {
            name: format!("review-store: insert {accounts} accounts per snapshot"),
            value: per_second,
            unit: "accounts/s".into(),
            baseline: None,
            baseline_value: None,
            target: "≥ 200,000 accounts/s".into(),
            met: Some(per_second >= 200_000.0),
        },
        Entry {
            name: format!("portalctl diff, two snapshots of {accounts} accounts: wall"),
            value: diff_wall,
            unit: "s".into(),
            baseline: None,
            baseline_value: None,
            target: "≤ 3 s".into(),
            met: Some(diff_wall <= 3.0),
        },
        Entry {
            name: "portalctl diff: peak memory".into(),
            value: diff_peak,
            unit: "MiB".into(),
            baseline: None,
            baseline_value: None,
            target: "≤ 128 MiB".into(),
            met: Some(diff_peak <= 128.0),
        },
    ]
}

/// One snapshot of `accounts` spread over [`PORTALS`], starting at index `shift`: against
/// the snapshot at 0, the first `shift` accounts of each portal are gone, `shift` new ones
/// came, and every 100th changed its status.
fn write_snapshot(store: &mut Store, accounts: usize, shift: usize) {
    let per_portal = accounts / PORTALS.len();
    let mut writer = store.begin_snapshot(Some("benchmark")).expect("a snapshot");
    for (name, vendor) in PORTALS {
        let started_at = Utc::now();
        for index in shift..per_portal + shift {
            let changed = shift > 0 && index % 100 == 0;
            writer
                .add_account(&Account {
                    portal: name.to_owned(),
                    vendor: vendor.to_owned(),
                    tenant: None,
                    id: format!("u{index:08}"),
                    email: Some(format!("person{index}@corp.example")),
                    name: Some(format!("Person {index}")),
                    status: if changed { "suspended" } else { "active" }.to_owned(),
                    last_login: LastLogin::At(signed_in(index)),
                    roles: vec!["readonly".to_owned()],
                    groups: vec![format!("team-{}", index % 12)],
                    created_at: None,
                    provisioned_by: None,
                    extra: serde_json::Value::Null,
                })
                .expect("an account");
        }
        writer
            .record_portal(PortalRun {
                portal: name.to_owned(),
                vendor: vendor.to_owned(),
                scope: None,
                started_at,
                finished_at: Utc::now(),
                endpoints: vec!["GET /users".to_owned()],
                reported: None,
                outcome: PortalOutcome::Ok,
            })
            .expect("a portal run");
    }
    writer.finish().expect("the snapshot");
}

/// The last sign-in of account `index`: the same in every snapshot.
fn signed_in(index: usize) -> DateTime<Utc> {
    let days = i64::try_from(index % 400).expect("a small number");
    DateTime::UNIX_EPOCH + TimeDelta::days(20_000 + days)
}

/// The exported review of `accounts` opened in Chromium, `rounds` times.
fn evidence(home: &Path, accounts: usize, rounds: usize) -> Vec<Entry> {
    let Some(chromium) = chromium() else {
        println!(
            "skipped: the evidence page benchmark needs chromium (Debian: apt-get install chromium)"
        );
        return Vec::new();
    };
    let bundle = home.join("bundle");
    let example = target_dir()
        .join("release")
        .join("examples")
        .join("evidence_demo");
    let status = Command::new(&example)
        .args(["--accounts", &accounts.to_string(), "--out"])
        .arg(&bundle)
        .status()
        .unwrap_or_else(|error| panic!("could not start {}: {error}", example.display()));
    assert!(status.success(), "evidence_demo failed");
    let page = bundle.join("review.html");
    let html_mb = std::fs::metadata(&page).expect("review.html").len() as f64 / 1e6;
    let empty = home.join("empty.html");
    std::fs::write(&empty, "<!doctype html><title>empty</title>").expect("an empty page");
    let (mut opened, mut baseline) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        opened.push(screenshot(&chromium, &page, home));
        baseline.push(screenshot(&chromium, &empty, home));
    }
    let opened = median(&opened);
    vec![
        Entry {
            name: format!("review export, {accounts} accounts: review.html size"),
            value: html_mb,
            unit: "MB".into(),
            baseline: None,
            baseline_value: None,
            target: "≤ 10 MB".into(),
            met: Some(html_mb <= 10.0),
        },
        Entry {
            name: "review export: Chromium opens review.html (start to screenshot)".into(),
            value: opened,
            unit: "s".into(),
            baseline: Some("an empty page".into()),
            baseline_value: Some(median(&baseline)),
            target: "< 3 s".into(),
            met: Some(opened < 3.0),
        },
    ]
}

/// Seconds headless Chromium takes from start to a screenshot of `page`.
fn screenshot(chromium: &Path, page: &Path, home: &Path) -> f64 {
    let started = Instant::now();
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
        ])
        .arg("--window-size=1280,1600")
        .arg(format!(
            "--user-data-dir={}",
            home.join("chromium").display()
        ))
        .arg(format!("--screenshot={}", home.join("page.png").display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed().as_secs_f64()
}

/// The Chromium program on `PATH`, if any.
fn chromium() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(|name| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        })
}
