//! Serves a LogicMonitor sandbox on loopback for the benchmarks, in its own process.
//!
//! Usage: `lm-sandbox USERS`. Prints one JSON line (see `benchmarks::Endpoint`) once it
//! listens, then serves until its standard input closes.

use portal_sandbox::Sandbox;
use portal_sandbox::logicmonitor::{BASE_PATH, LogicMonitorSim};
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let Some(Ok(users)) = std::env::args().nth(1).map(|arg| arg.parse::<usize>()) else {
        eprintln!("usage: lm-sandbox USERS (USERS: how many users to seed)");
        std::process::exit(2);
    };
    let lm = LogicMonitorSim::builder().seed(8).users(users).build();
    // The journal keeps request copies; a small one keeps this process's memory flat.
    let sandbox = Sandbox::builder()
        .journal_capacity(1024)
        .router(lm.router())
        .start()
        .await?;
    let endpoint = benchmarks::Endpoint {
        url: sandbox.url(BASE_PATH),
        access_id: lm.access_id().to_owned(),
        access_key: lm.access_key().to_owned(),
        bearer: lm.bearer_token().to_owned(),
    };
    println!("{}", endpoint.to_line());
    let mut sink = Vec::new();
    tokio::io::stdin().read_to_end(&mut sink).await?;
    sandbox.shutdown().await;
    Ok(())
}
