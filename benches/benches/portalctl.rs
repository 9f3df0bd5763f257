//! `portalctl` as a user runs it (the release binary, in a child process):
//!
//! - **Concurrency pays**: `audit` over four sandbox portals of 10,000 users each
//!   (Allthenticate, Whaly and two LogicMonitor accounts) plus a ThreatLocker tree of 500
//!   child organizations, with a fixed 20 ms server-side latency on every request, against
//!   the sum of the same five portals done one after another (`users --portal P` each).
//!   Wall time, speed-up and the child's peak resident memory.
//! - **Policy**: `policy plan` (a CIS 5.3 dormancy policy, JSON out) over the same
//!   portals in the same rounds, against `audit`: classification must not be the
//!   bottleneck (≤ 1.1× audit's wall time) and memory stays that of the listing.
//! - **Start-up**: median wall time of `portalctl --help` and of `portalctl audit` with no
//!   configuration (the built-in sandbox started in-process included).
//!
//! Needs `target/release/portalctl` (`cargo xtask bench` builds it first). Peak memory is
//! the child's `VmHWM`, polled from `/proc/<pid>/status` until it exits.

#![allow(clippy::cast_precision_loss)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use benchmarks::{Entry, median, print_table, quick, record, target_dir};
use portal_sandbox::allthenticate::Allthenticate;
use portal_sandbox::logicmonitor::LogicMonitorSandbox;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::ThreatLocker;
use portal_sandbox::{Fault, Sandbox};

const AT_KEY: &str = "bench-at-key";
const PP_KEY: &str = "sk:bench-pp-key";
const LM_ID: &str = "lmBenchAccessId00001";
const LM_KEY: &str = "bench-lm-key";
const LATENCY: Duration = Duration::from_millis(20);
/// The portals of the portals file, in its order.
const PORTALS: [&str; 5] = ["tl", "at", "pp", "lm", "lm2"];

/// The release binary next to this bench's target directory.
fn binary() -> PathBuf {
    target_dir().join("release").join("portalctl")
}

/// One finished run of the binary: wall time and peak resident memory.
struct Run {
    wall: Duration,
    peak_kib: u64,
    code: Option<i32>,
}

/// Runs the binary with `args` in a clean environment, output discarded, polling the
/// child's peak memory until it exits.
fn run(args: &[&str], env: &[(String, String)], home: &Path) -> Run {
    let started = Instant::now();
    let mut child = Command::new(binary())
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("could not start {}: {error}", binary().display()));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for portalctl") {
            break status;
        }
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(vm_hwm_kib)
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Run {
        wall: started.elapsed(),
        peak_kib,
        code: status.code(),
    }
}

fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Four simulators with the fixed latency, and a portals file for them.
struct Portals {
    _servers: Vec<Sandbox>,
    config: PathBuf,
    env: Vec<(String, String)>,
}

async fn start_portals(users: usize, children: usize, home: &Path) -> Portals {
    let now = SystemTime::now();
    let tl = ThreatLocker::builder().seed(8).children(children).build();
    let at = Allthenticate::builder()
        .seed(8)
        .users(users)
        .guests(0)
        .api_key(AT_KEY)
        .now(now)
        .build();
    let pp = PartnerPortalSim::builder()
        .seed(8)
        .users(users)
        .api_key(PP_KEY)
        .now(now)
        .build();
    let lm = |seed| {
        LogicMonitorSandbox::builder()
            .seed(seed)
            .users(users)
            .lmv1_credentials(LM_ID, LM_KEY)
            .now(now)
            .build()
    };
    let (lm, lm2) = (lm(8), lm(9));
    let mut servers = Vec::new();
    for router in [
        tl.router(),
        at.router(),
        pp.router(),
        lm.router(),
        lm2.router(),
    ] {
        let server = Sandbox::builder()
            .router(router)
            .start()
            .await
            .expect("start a sandbox");
        server.faults().inject(Fault::delay(LATENCY));
        servers.push(server);
    }
    let config = home.join("portals.toml");
    let text = format!(
        "[[portals]]\nname = \"tl\"\nvendor = \"threatlocker\"\nbase_url = \"{}\"\ntoken_env = \"B_TL\"\n\n\
         [[portals]]\nname = \"at\"\nvendor = \"allthenticate\"\nbase_url = \"{}\"\napi_key_env = \"B_AT\"\n\n\
         [[portals]]\nname = \"pp\"\nvendor = \"partner-portal\"\nbase_url = \"{}\"\nportal_id = \"{}\"\napi_key_env = \"B_PP\"\n\n\
         [[portals]]\nname = \"lm\"\nvendor = \"logicmonitor\"\nbase_url = \"{}\"\naccess_id_env = \"B_LM_ID\"\naccess_key_env = \"B_LM_KEY\"\n\n\
         [[portals]]\nname = \"lm2\"\nvendor = \"logicmonitor\"\nbase_url = \"{}\"\naccess_id_env = \"B_LM_ID\"\naccess_key_env = \"B_LM_KEY\"\n",
        servers[0].base_url(),
        servers[1].base_url(),
        servers[2].base_url(),
        pp.portal_id(),
        servers[3].url("/santaba/rest"),
        servers[4].url("/santaba/rest"),
    );
    std::fs::write(&config, text).expect("write the portals file");
    let env = [
        ("B_TL", tl.token()),
        ("B_AT", AT_KEY.into()),
        ("B_PP", PP_KEY.into()),
        ("B_LM_ID", LM_ID.into()),
        ("B_LM_KEY", LM_KEY.into()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    Portals {
        _servers: servers,
        config,
        env,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    assert!(
        binary().is_file(),
        "{} is missing: run `cargo xtask bench` (it builds it)",
        binary().display()
    );
    let (users, rounds) = if quick() { (2_000, 1) } else { (10_000, 3) };
    let home = std::env::temp_dir().join(format!("portalctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("a scratch directory");
    let portals = start_portals(users, 500, &home).await;
    let config = portals.config.display().to_string();
    let env = portals.env.clone();
    let home_for_runs = home.clone();
    let policy = home.join("policy.toml");
    std::fs::write(
        &policy,
        "[defaults]\ndormant_after = \"cis-5.3\"\nwarn_after = 30\nsuspend_after = \"cis-5.3\"\n",
    )
    .expect("write the policy file");
    let policy = policy.display().to_string();

    let (audit, policies, alone, help, cold) = tokio::task::spawn_blocking(move || {
        let home = home_for_runs;
        let mut audits = Vec::new();
        let mut policies = Vec::new();
        // Each portal's wall time, one vector per portal, a value per round.
        let mut alone = vec![Vec::new(); PORTALS.len()];
        for _ in 0..rounds {
            let audit = run(&["--config", &config, "audit"], &env, &home);
            assert_eq!(audit.code, Some(0), "audit failed");
            audits.push(audit);
            let args = [
                "--config", &config, "--format", "json", "policy", "plan", "--policy", &policy,
            ];
            let planned = run(&args, &env, &home);
            assert_eq!(planned.code, Some(0), "policy plan failed");
            policies.push(planned);
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
        (audits, policies, alone, help, cold)
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
    let policy_wall = median(
        &policies
            .iter()
            .map(|run| run.wall.as_secs_f64())
            .collect::<Vec<_>>(),
    );
    let policy_peak_mib =
        policies.iter().map(|run| run.peak_kib).max().unwrap_or(0) as f64 / 1024.0;
    let alone: Vec<f64> = alone.iter().map(|walls| median(walls)).collect();
    let sequential: f64 = alone.iter().sum();
    let mut entries = entries(users, audit_wall, peak_mib, &alone, &help, &cold);
    entries.extend(policy_entries(
        users,
        (policy_wall, audit_wall),
        (policy_peak_mib, peak_mib),
    ));
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

/// The policy rows: `policy plan` against `audit` over the same data, as (policy, audit)
/// wall seconds and peak MiB.
fn policy_entries(users: usize, wall: (f64, f64), peak: (f64, f64)) -> Vec<Entry> {
    vec![
        Entry {
            name: format!("portalctl policy plan, 4 × {users} users + 500 orgs: wall"),
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
