//! Sandbox capacity: requests per second one LogicMonitor sandbox (its own process, 10,000
//! users) serves on `GET /setting/admins` with 8 concurrent clients, at page sizes 50 and
//! 1000. Each client sends requests back to back on its own keep-alive connection with a
//! bearer token, for a fixed time or a fixed number of requests, whichever comes first,
//! after a short warm-up. The load generator is one thread of this process; on a 2-core
//! machine it competes with the sandbox for CPU, so figures are a floor.
//! `--quick`: 2 s per page size instead of 10 s.

// Counts become floats for reporting; they stay far below 2^52.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use benchmarks::{Endpoint, Entry, SandboxProcess, print_table, quick, record};

const CLIENTS: usize = 8;
const USERS: usize = 10_000;
const MAX_REQUESTS: u64 = 2_000_000;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let duration = Duration::from_secs(if quick() { 2 } else { 10 });
    let server = SandboxProcess::start(env!("CARGO_BIN_EXE_lm-sandbox"), USERS);
    let mut entries = Vec::new();
    for size in [50, 1000] {
        load(&server.endpoint, size, Duration::from_millis(500)).await;
        let (requests, elapsed) = load(&server.endpoint, size, duration).await;
        entries.push(Entry {
            name: format!("sandbox capacity: LM list size={size}, {CLIENTS} clients"),
            value: requests as f64 / elapsed.as_secs_f64(),
            unit: "req/s".into(),
            baseline: None,
            baseline_value: None,
            target: "informational".into(),
            met: None,
        });
    }
    println!(
        "{CLIENTS} clients, {USERS} users, {}s per page size",
        duration.as_secs()
    );
    print_table(&entries);
    record(&entries);
}

/// Runs the clients for `duration` (or [`MAX_REQUESTS`]); returns requests completed and
/// the time taken.
async fn load(endpoint: &Endpoint, size: u32, duration: Duration) -> (u64, Duration) {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let http = reqwest::Client::new();
            let url = format!("{}/setting/admins", endpoint.url);
            let auth = format!("Bearer {}", endpoint.bearer);
            let (done, stop) = (Arc::clone(&done), Arc::clone(&stop));
            tokio::spawn(async move {
                let mut offset = client as u32 * size;
                while !stop.load(Ordering::Relaxed) {
                    let response = http
                        .get(format!("{url}?size={size}&offset={offset}"))
                        .header("authorization", &auth)
                        .header("x-version", "3")
                        .send()
                        .await
                        .expect("send");
                    assert!(response.status().is_success(), "{}", response.status());
                    std::hint::black_box(response.bytes().await.expect("body"));
                    offset = (offset + size * CLIENTS as u32) % USERS as u32;
                    if done.fetch_add(1, Ordering::Relaxed) + 1 >= MAX_REQUESTS
                        || start.elapsed() >= duration
                    {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("client task");
    }
    (done.load(Ordering::Relaxed), start.elapsed())
}
