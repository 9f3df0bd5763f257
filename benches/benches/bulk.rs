//! Bulk offboarding under each simulator's rate limit, as a user runs it:
//! `portalctl offboard --from people.txt --apply` (the release binary) for every person
//! with an account in Allthenticate, Whaly or LogicMonitor, 5,000 accounts on each.
//!
//! The limits, with windows shortened from a minute to seconds so that the run takes
//! seconds (the logic is the same; the servers send their real headers):
//! - Whaly: 2,000 requests per 10 s per key, every request counted (its listing too), as
//!   Whaly counts them; `X-RateLimit-Reset` in whole seconds, as Whaly sends it.
//! - LogicMonitor: 1,000 `PATCH /setting/admins/{id}` per 2 s (`X-Rate-Limit-Window`).
//! - Allthenticate: none (none is documented).
//!
//! Each window is fixed and opens at the first request it counts, so no schedule can
//! finish a portal before `(⌈requests / quota⌉ − 1) × window` after its first counted
//! request; the theoretical minimum of the whole run is the largest of these. Targets:
//! wall time (spawn to exit, listing included) ≤ 1.1× that minimum, and zero 429s.
//! `--quick`: 1,000 accounts per portal, windows of 2 s and 1 s with quotas of 400, one
//! round.

#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::time::{Duration, SystemTime};

use benchmarks::{Entry, PortalSet, median, print_table, quick, record, require_binary, run};
use portal_sandbox::Sandbox;

const TOLERANCE: f64 = 1.10;

/// One round's figures.
struct Round {
    wall: f64,
    minimum: f64,
    rejected: usize,
    /// Per portal: (name, seconds from its first to its last request, its minimum).
    spans: Vec<(&'static str, f64, f64)>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    require_binary();
    let (users, whaly, lm, rounds) = if quick() {
        (
            1_000,
            (400, Duration::from_secs(2)),
            (400, Duration::from_secs(1)),
            1,
        )
    } else {
        (
            5_000,
            (2_000, Duration::from_secs(10)),
            (1_000, Duration::from_secs(2)),
            3,
        )
    };
    let home = std::env::temp_dir().join(format!("portalctl-bulk-{}", std::process::id()));
    let mut results = Vec::new();
    for _ in 0..rounds {
        let _ = std::fs::remove_dir_all(&home);
        let portals = PortalSet {
            whaly_limit: Some(whaly),
            logicmonitor_patch_limit: Some(lm),
            ..PortalSet::new(users)
        }
        .start(&home)
        .await;
        let people = home.join("people.txt");
        std::fs::write(&people, portals.emails.join("\n")).expect("write the people file");
        let args: Vec<String> = [
            "--config",
            &portals.config.display().to_string(),
            "offboard",
            "--from",
            &people.display().to_string(),
            "--apply",
        ]
        .map(str::to_owned)
        .to_vec();
        let (env, home_for_run) = (portals.env.clone(), home.clone());
        let done = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run(&args, &env, &home_for_run)
        })
        .await
        .expect("the run");
        assert_eq!(done.code, Some(0), "offboard failed: {}", done.stderr);
        let server = |name: &str| {
            &portals
                .servers
                .iter()
                .find(|(server, _)| *server == name)
                .expect("a server")
                .1
        };
        let (lm_span, lm_minimum) = span(server("lm"), lm, |method| method == "PATCH");
        let (pp_span, pp_minimum) = span(server("pp"), whaly, |_| true);
        let (at_span, _) = span(server("at"), (u32::MAX, Duration::ZERO), |_| true);
        let rejected = [server("lm"), server("pp"), server("at")]
            .iter()
            .flat_map(|server| server.journal().entries())
            .filter(|entry| entry.status.is_some_and(|status| status.as_u16() == 429))
            .count();
        println!(
            "{} people; wall {:.2} s; lm {lm_span:.2} s (minimum {lm_minimum:.2}), pp {pp_span:.2} s (minimum {pp_minimum:.2}), at {at_span:.2} s; {rejected} × 429",
            portals.emails.len(),
            done.wall.as_secs_f64()
        );
        results.push(Round {
            wall: done.wall.as_secs_f64(),
            minimum: lm_minimum.max(pp_minimum),
            rejected,
            spans: vec![
                ("LogicMonitor", lm_span, lm_minimum),
                ("Whaly", pp_span, pp_minimum),
            ],
        });
    }
    let _ = std::fs::remove_dir_all(&home);
    let entries = entries(users, &results);
    print_table(&entries);
    record(&entries);
}

/// Seconds from the first to the last request `counted` (by method) that `server` saw,
/// and the least those could take under `limit` (quota, window).
fn span(
    server: &Sandbox,
    (quota, window): (u32, Duration),
    counted: impl Fn(&str) -> bool,
) -> (f64, f64) {
    let times: Vec<SystemTime> = server
        .journal()
        .entries()
        .iter()
        .filter(|entry| counted(entry.method.as_str()))
        .map(|entry| entry.received_at)
        .collect();
    let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else {
        return (0.0, 0.0);
    };
    let windows = times.len().div_ceil(quota as usize) as u32;
    let minimum = window * windows.saturating_sub(1);
    (
        last.duration_since(*first)
            .unwrap_or_default()
            .as_secs_f64(),
        minimum.as_secs_f64(),
    )
}

fn entries(users: usize, rounds: &[Round]) -> Vec<Entry> {
    let wall = median(&rounds.iter().map(|round| round.wall).collect::<Vec<_>>());
    let minimum = median(&rounds.iter().map(|round| round.minimum).collect::<Vec<_>>());
    let rejected: usize = rounds.iter().map(|round| round.rejected).sum();
    let mut entries = vec![
        Entry {
            name: format!(
                "portalctl offboard --from, {users} accounts × 3 portals, rate-limited: wall"
            ),
            value: wall,
            unit: "s".into(),
            baseline: Some("theoretical minimum under the limits".into()),
            baseline_value: Some(minimum),
            target: format!("≤ {TOLERANCE}× the minimum"),
            met: Some(wall <= TOLERANCE * minimum),
        },
        Entry {
            name: "portalctl offboard --from: 429 responses (all rounds)".into(),
            value: rejected as f64,
            unit: "responses".into(),
            baseline: None,
            baseline_value: None,
            target: "0".into(),
            met: Some(rejected == 0),
        },
    ];
    for (index, (portal, _, _)) in rounds[0].spans.iter().enumerate() {
        let spans: Vec<f64> = rounds.iter().map(|round| round.spans[index].1).collect();
        let minimums: Vec<f64> = rounds.iter().map(|round| round.spans[index].2).collect();
        entries.push(Entry {
            name: format!("portalctl offboard --from: {portal}'s first to last counted request"),
            value: median(&spans),
            unit: "s".into(),
            baseline: Some("that portal's minimum".into()),
            baseline_value: Some(median(&minimums)),
            target: "informational".into(),
            met: None,
        });
    }
    entries
}
