//! Bulk under a rate limit: suspend 5,000 LogicMonitor users (one `PATCH` each, 8 in
//! flight) while the sandbox allows 1,000 `PATCH /setting/admins/{id}` per window.
//!
//! Time is accelerated honestly by shortening the window: 2 s instead of LogicMonitor's
//! typical 60 s (the sandbox sends `X-Rate-Limit-Window: 2`, a window length, and the
//! client's pacer counts per operation). The sandbox's windows are fixed and start at the
//! first request, so no schedule can finish before `(⌈5000 / 1000⌉ − 1) × 2 s = 8 s`:
//! the theoretical minimum. Targets: zero 429 responses (counted in the sandbox's
//! journal) and wall time ≤ 1.10 × the minimum; the median over rounds is reported.
//! `--quick`: 2,000 users, a 1 s window, one round.

// Counts become floats for reporting; they stay far below 2^52.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::time::{Duration, Instant};

use benchmarks::{Entry, median, print_table, quick, record};
use futures_util::{StreamExt, TryStreamExt};
use logicmonitor_client::{AdminId, Client};
use portal_sandbox::Sandbox;
use portal_sandbox::logicmonitor::{BASE_PATH, LogicMonitorSim};
use reqwest::Method;
use secrecy::SecretString;

const LIMIT: u32 = 1000;
const IN_FLIGHT: usize = 8;
const TOLERANCE: f64 = 1.10;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (users, window, rounds) = if quick() {
        (2000, Duration::from_secs(1), 1)
    } else {
        (5000, Duration::from_secs(2), 3)
    };
    let lm = LogicMonitorSim::builder().seed(4).users(users).build();
    let sandbox = Sandbox::builder()
        .journal_capacity(users * 2)
        .router(lm.router())
        .start()
        .await
        .expect("sandbox");
    let client = Client::builder()
        .base_url(sandbox.url(BASE_PATH))
        .lmv1(lm.access_id(), SecretString::from(lm.access_key()))
        .build()
        .expect("client");
    let ids: Vec<AdminId> = client
        .users()
        .list()
        .fields(["id"])
        .stream()
        .map_ok(|user| user.id)
        .try_filter(|id| std::future::ready(id.get() != 1)) // not the API user itself
        .take(users)
        .try_collect()
        .await
        .expect("user ids");
    assert_eq!(ids.len(), users);

    let batches = ids.len().div_ceil(LIMIT as usize) as u32;
    let minimum = window * (batches - 1);
    let (mut walls, mut rejected) = (Vec::new(), 0);
    for _ in 0..rounds {
        // Fresh counters, and a fresh client so its pacer starts from nothing too.
        lm.set_rate_limit(None);
        lm.set_route_rate_limit(Method::PATCH, "/setting/admins/{id}", LIMIT, window);
        sandbox.journal().clear();
        let client = Client::builder()
            .base_url(sandbox.url(BASE_PATH))
            .lmv1(lm.access_id(), SecretString::from(lm.access_key()))
            .build()
            .expect("client");
        let users_api = client.users();
        let start = Instant::now();
        futures_util::stream::iter(&ids)
            .map(|id| users_api.suspend(*id))
            .buffer_unordered(IN_FLIGHT)
            .try_for_each(|_| std::future::ready(Ok(())))
            .await
            .expect("suspend");
        walls.push(start.elapsed().as_secs_f64());
        rejected += sandbox
            .journal()
            .entries()
            .iter()
            .filter(|entry| entry.status.is_some_and(|status| status.as_u16() == 429))
            .count();
    }
    let wall = median(&walls);
    let min = minimum.as_secs_f64();
    let label = format!(
        "LM suspend {users} users, {LIMIT} req/{}s",
        window.as_secs()
    );
    let entries = [
        Entry {
            name: format!("{label}: wall time"),
            value: wall,
            unit: "s".into(),
            baseline: Some("theoretical minimum".into()),
            baseline_value: Some(min),
            target: format!("ratio ≤ {TOLERANCE:.2}"),
            met: Some(wall <= min * TOLERANCE),
        },
        Entry {
            name: format!("{label}: 429 responses"),
            value: rejected as f64,
            unit: "responses".into(),
            baseline: None,
            baseline_value: None,
            target: "0 (all rounds)".into(),
            met: Some(rejected == 0),
        },
    ];
    println!("rounds: {rounds}; {IN_FLIGHT} requests in flight; wall times {walls:.2?}");
    print_table(&entries);
    record(&entries);
}
