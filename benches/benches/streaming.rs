//! Streaming a large directory: every LogicMonitor user, 1000 per page, through
//! `logicmonitor-client`'s stream, at 1,000,000 and at 100,000 users.
//!
//! Each sandbox runs in its own process (`lm-sandbox`; the store for 1M users alone is
//! ~66 MB) and each listing in a fresh child process of this bench, so the peak resident
//! memory the kernel reports (`VmHWM`) is the client's alone. Rounds alternate the two
//! sizes; throughput is the median over rounds, peak memory the largest seen.
//! Targets: peak < 64 MiB, and the large run's peak ≤ 1.10 × the small run's.
//! `--quick`: 100,000 and 10,000 users, one round.

// Counts become floats for reporting; they stay far below 2^52.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use benchmarks::{Entry, ListRun, SandboxProcess, median, print_table, quick, record};

const PEAK_LIMIT_MIB: f64 = 64.0;
const GROWTH_LIMIT: f64 = 1.10;

fn main() {
    ListRun::serve_child();
    let (large, small, rounds) = if quick() {
        (100_000, 10_000, 1)
    } else {
        (1_000_000, 100_000, 3)
    };
    let binary = env!("CARGO_BIN_EXE_lm-sandbox");
    let large_server = SandboxProcess::start(binary, large);
    let small_server = SandboxProcess::start(binary, small);

    let (mut large_runs, mut small_runs) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            large_runs.push(ListRun::measure(&large_server.endpoint, false));
            small_runs.push(ListRun::measure(&small_server.endpoint, false));
        } else {
            small_runs.push(ListRun::measure(&small_server.endpoint, false));
            large_runs.push(ListRun::measure(&large_server.endpoint, false));
        }
    }
    // The API user comes on top of the seeded people.
    assert!(large_runs.iter().all(|run| run.items == large as u64 + 1));
    assert!(small_runs.iter().all(|run| run.items == small as u64 + 1));

    let rate = |runs: &[ListRun]| median(&runs.iter().map(ListRun::rate).collect::<Vec<_>>());
    let peak = |runs: &[ListRun]| runs.iter().map(ListRun::peak_mib).fold(0.0, f64::max);
    let (large_peak, small_peak) = (peak(&large_runs), peak(&small_runs));
    let entries = [
        Entry {
            name: format!("LM stream {large} users: throughput"),
            value: rate(&large_runs),
            unit: "users/s".into(),
            baseline: Some(format!("same at {small} users")),
            baseline_value: Some(rate(&small_runs)),
            target: "informational".into(),
            met: None,
        },
        Entry {
            name: format!("LM stream {large} users: peak RSS"),
            value: large_peak,
            unit: "MiB".into(),
            baseline: Some(format!("same at {small} users")),
            baseline_value: Some(small_peak),
            target: format!("< {PEAK_LIMIT_MIB} MiB and ratio ≤ {GROWTH_LIMIT:.2}"),
            met: Some(large_peak < PEAK_LIMIT_MIB && large_peak <= small_peak * GROWTH_LIMIT),
        },
    ];
    println!(
        "rounds: {rounds}; sandbox start-up {:.1}s ({large} users), {:.1}s ({small} users)",
        large_server.startup.as_secs_f64(),
        small_server.startup.as_secs_f64()
    );
    print_table(&entries);
    record(&entries);
}
