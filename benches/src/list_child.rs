//! Listing every user through `logicmonitor-client` in a fresh child process, so that the
//! process's peak resident memory belongs to this one listing alone.
//!
//! The bench binary re-executes itself with `BENCH_LIST_ENDPOINT` set; its `main` calls
//! [`ListRun::serve_child`] first, which lists, prints one JSON line and exits.

use std::process::Command;
use std::time::Instant;

use futures_util::TryStreamExt;
use logicmonitor_client::Client;
use secrecy::SecretString;
use serde_json::json;

use crate::{Endpoint, peak_rss_kib};

const ENDPOINT_VAR: &str = "BENCH_LIST_ENDPOINT";
const READ_AHEAD_VAR: &str = "BENCH_LIST_READ_AHEAD";

/// One listing of every user: how many, how long, and the process's peak memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListRun {
    /// Users received.
    pub items: u64,
    /// Seconds from the first request to the last item.
    pub secs: f64,
    /// CPU seconds (user + system) the listing process spent over the same span.
    pub cpu_secs: f64,
    /// Peak resident set size of the listing process, in KiB.
    pub peak_kib: u64,
}

impl ListRun {
    /// Items per second.
    pub fn rate(&self) -> f64 {
        self.items as f64 / self.secs
    }

    /// Peak memory in MiB.
    pub fn peak_mib(&self) -> f64 {
        self.peak_kib as f64 / 1024.0
    }

    /// Parses the JSON line a listing process prints (`{items, secs, cpu_secs, peak_kib}`), which is
    /// also what `benches/python/list_users.py` prints.
    pub fn from_line(line: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(line.trim()).ok()?;
        Some(Self {
            items: value["items"].as_u64()?,
            secs: value["secs"].as_f64()?,
            cpu_secs: value["cpu_secs"].as_f64()?,
            peak_kib: value["peak_kib"].as_u64()?,
        })
    }

    /// Runs the current executable as a listing child against `endpoint` and returns what
    /// it measured; `read_ahead` turns on the listing's read-ahead.
    ///
    /// # Panics
    ///
    /// When the child cannot run or fails (a bench aborts).
    pub fn measure(endpoint: &Endpoint, read_ahead: bool) -> Self {
        let exe = std::env::current_exe().expect("the bench's own path");
        let output = Command::new(exe)
            .env(ENDPOINT_VAR, endpoint.to_line())
            .env(READ_AHEAD_VAR, if read_ahead { "1" } else { "0" })
            .output()
            .expect("run the listing child");
        assert!(
            output.status.success(),
            "listing child failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self::from_line(&String::from_utf8_lossy(&output.stdout))
            .expect("the listing child prints its result")
    }

    /// In a listing child (`BENCH_LIST_ENDPOINT` set): lists every user, 1000 per page,
    /// with all fields, on a current-thread runtime (reading ahead when
    /// `BENCH_LIST_READ_AHEAD` is `1`), prints the result and exits.
    /// Otherwise returns at once.
    pub fn serve_child() {
        let Some(line) = std::env::var_os(ENDPOINT_VAR) else {
            return;
        };
        let endpoint = Endpoint::from_line(&line.to_string_lossy()).expect("endpoint line");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let read_ahead = std::env::var_os(READ_AHEAD_VAR).is_some_and(|value| value == "1");
        let run = runtime.block_on(list_all(&endpoint, read_ahead));
        println!(
            "{}",
            json!({"items": run.items, "secs": run.secs, "cpu_secs": run.cpu_secs, "peak_kib": run.peak_kib})
        );
        std::process::exit(0);
    }
}

async fn list_all(endpoint: &Endpoint, read_ahead: bool) -> ListRun {
    let client = Client::builder()
        .base_url(endpoint.url.clone())
        .lmv1(
            endpoint.access_id.clone(),
            SecretString::from(endpoint.access_key.clone()),
        )
        .build()
        .expect("client");
    let (start, cpu_start) = (Instant::now(), cpu_secs());
    let items = client
        .users()
        .list()
        .size(1000)
        .read_ahead(read_ahead)
        .stream()
        .try_fold(0u64, |count, user| {
            std::hint::black_box(user);
            async move { Ok(count + 1) }
        })
        .await
        .expect("listing");
    let secs = start.elapsed().as_secs_f64();
    ListRun {
        items,
        secs,
        cpu_secs: cpu_secs() - cpu_start,
        peak_kib: peak_rss_kib().unwrap_or(0),
    }
}

/// User plus system CPU time of this process, from `/proc/self/stat` (in clock ticks,
/// taken as the usual 100 per second); 0 where it is unavailable.
fn cpu_secs() -> f64 {
    const TICKS_PER_SECOND: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    ticks as f64 / TICKS_PER_SECOND
}
