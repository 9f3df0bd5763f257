//! `portalctl` as a user runs it (the release binary, in a child process):
//!
//! - **Concurrency pays**: `audit` over four sandbox portals of 10,000 users each
//!   (Allthenticate, Whaly and two LogicMonitor accounts) plus a ThreatLocker tree of 500
//!   child organizations, with a fixed 20 ms server-side latency on every request, against
//!   the sum of the same five portals done one after another (`users --portal P` each).
//!   Wall time, speed-up and the child's peak resident memory.
//! - **Policy**: `policy plan` (a CIS 5.3 dormancy policy) over four portals of 100,000
//!   users each plus the ThreatLocker tree, no added latency, against `audit` over the
//!   same portals in alternating rounds, both `--format json`: classification must not be
//!   the bottleneck (≤ 1.1× audit's wall time) and memory stays that of the listing
//!   (≤ 1.1× audit's peak). `--quick`: 2,000 users each, one round.
//! - **Start-up**: median wall time of `portalctl --help` and of `portalctl audit` with no
//!   configuration (the built-in sandbox started in-process included).
//!
//! Needs `target/release/portalctl` (`cargo xtask bench` builds it first). Peak memory is
//! the child's `VmHWM`, polled from `/proc/<pid>/status` until it exits.

#![allow(clippy::cast_precision_loss)]

use std::path::Path;
use std::time::Duration;

use benchmarks::{
    Entry, PortalSet, alternate, median, median_wall, peak_mib, print_table, quick, record,
    require_binary, run,
};

const LATENCY: Duration = Duration::from_millis(20);
/// The portals of the portals file, in its order.
const PORTALS: [&str; 5] = ["tl", "at", "pp", "lm", "lm2"];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    require_binary();
    let (users, rounds) = if quick() { (2_000, 1) } else { (10_000, 3) };
    let home = std::env::temp_dir().join(format!("portalctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("a scratch directory");
    let portals = PortalSet {
        children: Some(500),
        second_logicmonitor: true,
        latency: Some(LATENCY),
        ..PortalSet::new(users)
    }
    .start(&home)
    .await;
    let config = portals.config.display().to_string();
    let env = portals.env.clone();
    let home_for_runs = home.clone();
    let (audit, alone, help, cold) = tokio::task::spawn_blocking(move || {
        let home = home_for_runs;
        let mut audits = Vec::new();
        // Each portal's wall time, one vector per portal, a value per round.
        let mut alone = vec![Vec::new(); PORTALS.len()];
        for _ in 0..rounds {
            let audit = run(&["--config", &config, "audit"], &env, &home);
            assert_eq!(audit.code, Some(0), "audit failed: {}", audit.stderr);
            audits.push(audit);
            for (portal, walls) in PORTALS.iter().zip(&mut alone) {
                let args = ["--config", &config, "users", "--portal", portal];
                walls.push(run(&args, &env, &home).wall.as_secs_f64());
            }
        }
        let help: Vec<f64> = (0..if quick() { 5 } else { 21 })
            .map(|_| run(&["--help"], &[], &home).wall.as_secs_f64())
            .collect();
        let cold: Vec<f64> = (0..if quick() { 3 } else { 7 })
            .map(|_| run(&["audit"], &[], &home).wall.as_secs_f64())
            .collect();
        (audits, alone, help, cold)
    })
    .await
    .expect("benchmark runs");

    let audit_wall = median(
        &audit
            .iter()
            .map(|run| run.wall.as_secs_f64())
            .collect::<Vec<_>>(),
    );
    let peak_mib = audit.iter().map(|run| run.peak_kib).max().unwrap_or(0) as f64 / 1024.0;
    let alone: Vec<f64> = alone.iter().map(|walls| median(walls)).collect();
    let sequential: f64 = alone.iter().sum();
    let mut entries = entries(users, audit_wall, peak_mib, &alone, &help, &cold);
    drop(portals);
    entries.extend(policy_against_audit(&home).await);
    let each: Vec<String> = PORTALS
        .iter()
        .zip(&alone)
        .map(|(portal, wall)| format!("{portal} {wall:.2} s"))
        .collect();
    println!("one portal at a time: {}", each.join(", "));
    println!(
        "concurrency speed-up: {:.2}× ({audit_wall:.2} s vs {sequential:.2} s one after another)",
        sequential / audit_wall
    );
    print_table(&entries);
    record(&entries);
    let _ = std::fs::remove_dir_all(&home);
}

/// The table rows: `alone` holds each portal's median wall time listed on its own.
fn entries(
    users: usize,
    audit_wall: f64,
    peak_mib: f64,
    alone: &[f64],
    help: &[f64],
    cold: &[f64],
) -> Vec<Entry> {
    let sequential: f64 = alone.iter().sum();
    let slowest = alone.iter().copied().fold(0.0, f64::max);
    vec![
        Entry {
            name: format!("portalctl audit, 4 × {users} users + 500 orgs, 20 ms latency: wall"),
            value: audit_wall,
            unit: "s".into(),
            baseline: Some("the five portals one after another".into()),
            baseline_value: Some(sequential),
            target: "faster than one after another (informational)".into(),
            met: Some(audit_wall < sequential),
        },
        Entry {
            name: "portalctl audit: wall against the slowest portal alone".into(),
            value: audit_wall,
            unit: "s".into(),
            baseline: Some("the slowest portal's `users --portal`".into()),
            baseline_value: Some(slowest),
            target: "informational: the cost of doing the others alongside".into(),
            met: None,
        },
        Entry {
            name: "portalctl audit: peak resident memory".into(),
            value: peak_mib,
            unit: "MiB".into(),
            baseline: None,
            baseline_value: None,
            target: "-".into(),
            met: None,
        },
        Entry {
            name: "portalctl --help: median wall".into(),
            value: median(help) * 1000.0,
            unit: "ms".into(),
            baseline: None,
            baseline_value: None,
            target: "-".into(),
            met: None,
        },
        Entry {
            name: "portalctl audit, no config (built-in sandbox): median wall".into(),
            value: median(cold) * 1000.0,
            unit: "ms".into(),
            baseline: None,
            baseline_value: None,
            target: "-".into(),
            met: None,
        },
    ]
}

/// `policy plan` against `audit` over the same large portals, in alternating rounds.
async fn policy_against_audit(home: &Path) -> Vec<Entry> {
    let (users, rounds) = if quick() { (2_000, 1) } else { (100_000, 3) };
    let portals = PortalSet {
        children: Some(500),
        second_logicmonitor: true,
        ..PortalSet::new(users)
    }
    .start(home)
    .await;
    let policy = home.join("policy.toml");
    std::fs::write(
        &policy,
        "[defaults]\ndormant_after = \"cis-5.3\"\nwarn_after = 30\nsuspend_after = \"cis-5.3\"\n",
    )
    .expect("write the policy file");
    let config = portals.config.display().to_string();
    let policy = policy.display().to_string();
    let (env, home) = (portals.env.clone(), home.to_owned());
    let (audits, policies) = tokio::task::spawn_blocking(move || {
        let audit = ["--config", &config, "--format", "json", "audit"];
        let plan = [
            "--config", &config, "--format", "json", "policy", "plan", "--policy", &policy,
        ];
        alternate(rounds, [&audit, &plan], &env, &home)
    })
    .await
    .expect("benchmark runs");
    let (wall, peak) = (median_wall, peak_mib);
    policy_entries(
        users,
        (wall(&policies), wall(&audits)),
        (peak(&policies), peak(&audits)),
    )
}

/// The policy rows: `policy plan` against `audit` over the same data, as (policy, audit)
/// wall seconds and peak MiB.
fn policy_entries(users: usize, wall: (f64, f64), peak: (f64, f64)) -> Vec<Entry> {
    vec![
        Entry {
            name: format!("portalctl policy plan, 4 × {users} users + 500 orgs, JSON: wall"),
            value: wall.0,
            unit: "s".into(),
            baseline: Some("audit over the same data".into()),
            baseline_value: Some(wall.1),
            target: "≤ 1.1× audit".into(),
            met: Some(wall.0 <= 1.1 * wall.1),
        },
        Entry {
            name: "portalctl policy plan: peak resident memory".into(),
            value: peak.0,
            unit: "MiB".into(),
            baseline: Some("audit's peak".into()),
            baseline_value: Some(peak.1),
            target: "flat: ≤ 1.1× audit's".into(),
            met: Some(peak.0 <= 1.1 * peak.1),
        },
    ]
}
