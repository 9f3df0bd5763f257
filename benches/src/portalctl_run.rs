//! Running the release `portalctl` binary as a user would, in a child process, against
//! sandbox portals served by this process: [`binary`], [`run`] and [`PortalSet`].

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::ThreatLockerSim;
use portal_sandbox::{Fault, Sandbox, SandboxBuilder};

use crate::target_dir;

const AT_KEY: &str = "bench-at-key";
const PP_KEY: &str = "sk:bench-pp-key";
const LM_ID: &str = "lmBenchAccessId00001";
const LM_KEY: &str = "bench-lm-key";

/// The release binary in the workspace's target directory (`cargo xtask bench` builds it).
pub fn binary() -> PathBuf {
    target_dir().join("release").join("portalctl")
}

/// Stops the bench, saying what to do, when [`binary`] is not built.
///
/// # Panics
/// When the binary is missing.
pub fn require_binary() {
    assert!(
        binary().is_file(),
        "{} is missing: run `cargo xtask bench` (it builds it)",
        binary().display()
    );
}

/// Runs `first` and `second` (argument lists) `rounds` times each, alternating, each
/// round starting with the other side; each run must succeed. Their runs, in that order.
///
/// # Panics
/// When a run fails (its stderr is shown).
pub fn alternate(
    rounds: usize,
    [first, second]: [&[&str]; 2],
    env: &[(String, String)],
    home: &Path,
) -> (Vec<Run>, Vec<Run>) {
    let (mut firsts, mut seconds) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for first_now in [round % 2 == 0, round % 2 != 0] {
            let (args, runs) = if first_now {
                (first, &mut firsts)
            } else {
                (second, &mut seconds)
            };
            let done = run(args, env, home);
            assert_eq!(done.code, Some(0), "{args:?} failed: {}", done.stderr);
            runs.push(done);
        }
    }
    (firsts, seconds)
}

/// The median wall time of `runs`, in seconds.
pub fn median_wall(runs: &[Run]) -> f64 {
    crate::median(
        &runs
            .iter()
            .map(|run| run.wall.as_secs_f64())
            .collect::<Vec<_>>(),
    )
}

/// The largest peak resident memory of `runs`, in MiB.
#[allow(clippy::cast_precision_loss)] // KiB counts far below 2^52
pub fn peak_mib(runs: &[Run]) -> f64 {
    runs.iter().map(|run| run.peak_kib).max().unwrap_or(0) as f64 / 1024.0
}

/// One finished run of the binary: wall time, peak resident memory and exit code.
#[derive(Debug, Clone)]
pub struct Run {
    /// From spawning to exit.
    pub wall: Duration,
    /// The child's `VmHWM`, polled from `/proc/<pid>/status` until it exits.
    pub peak_kib: u64,
    /// The exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// The end of what it wrote on stderr, for a failure's message.
    pub stderr: String,
}

/// Runs the binary with `args` in a clean environment (`HOME` and the XDG directories
/// under `home`, plus `env`), stdout discarded, polling its peak memory until it exits.
///
/// # Panics
/// When the binary can not be started.
pub fn run(args: &[&str], env: &[(String, String)], home: &Path) -> Run {
    let started = Instant::now();
    let mut child = Command::new(binary())
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("data"))
        .envs(env.iter().map(|(name, value)| (name, value)))
        .stdout(Stdio::null())
        .stderr(File::create(home.join("portalctl.stderr")).expect("a file for stderr"))
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
    let wall = started.elapsed();
    let stderr = std::fs::read_to_string(home.join("portalctl.stderr")).unwrap_or_default();
    let lines: Vec<&str> = stderr.lines().collect();
    Run {
        wall,
        peak_kib,
        code: status.code(),
        stderr: lines[lines.len().saturating_sub(20)..].join("\n"),
    }
}

fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The portals a benchmark runs `portalctl` against, each served by this process:
/// ThreatLocker (a tree of child organizations), Allthenticate, Whaly and one or two
/// LogicMonitor accounts.
#[derive(Debug, Clone)]
pub struct PortalSet {
    /// Users in each listable portal.
    pub users: usize,
    /// ThreatLocker child organizations (`None`: no ThreatLocker portal).
    pub children: Option<usize>,
    /// A second LogicMonitor account (`lm2`).
    pub second_logicmonitor: bool,
    /// A fixed server-side latency on every request.
    pub latency: Option<Duration>,
    /// Whaly's quota and window (`None`: unlimited, so that a benchmark that is not
    /// about rate limits is not bound by the simulator's 500 a minute).
    pub whaly_limit: Option<(u32, Duration)>,
    /// LogicMonitor's limit on `PATCH /setting/admins/{id}` per window (default: none).
    pub logicmonitor_patch_limit: Option<(u32, Duration)>,
}

/// Started [`PortalSet`]: the simulators, their servers and a portals file for them.
#[derive(Debug)]
pub struct StartedPortals {
    /// The Whaly simulator (for its rate-limit counter).
    pub whaly: PartnerPortalSim,
    /// Each server, named as in the portals file.
    pub servers: Vec<(&'static str, Sandbox)>,
    /// The portals file.
    pub config: PathBuf,
    /// The environment holding the portals' secrets.
    pub env: Vec<(String, String)>,
    /// Every address with an account in Allthenticate, Whaly or LogicMonitor,
    /// lower-cased, sorted, once each.
    pub emails: Vec<String>,
}

impl PortalSet {
    /// `users` in every listable portal, nothing else.
    pub fn new(users: usize) -> Self {
        Self {
            users,
            children: None,
            second_logicmonitor: false,
            latency: None,
            whaly_limit: None,
            logicmonitor_patch_limit: None,
        }
    }

    /// Starts the simulators (seeded, so each start serves the same people) and writes
    /// `home/portals.toml`.
    ///
    /// # Panics
    /// When a server can not start or the file can not be written.
    pub async fn start(&self, home: &Path) -> StartedPortals {
        let now = SystemTime::now();
        let mut portals: Vec<(&'static str, SandboxBuilder, String)> = Vec::new();
        let mut env = Vec::new();
        let mut secret = |name: &str, value: String| env.push((name.to_owned(), value));
        if let Some(children) = self.children {
            let tl = ThreatLockerSim::builder()
                .seed(8)
                .children(children)
                .build();
            secret("B_TL", tl.token());
            portals.push((
                "tl",
                Sandbox::builder().router(tl.router()),
                "vendor = \"threatlocker\"\ntoken_env = \"B_TL\"".into(),
            ));
        }
        let at = AllthenticateSim::builder()
            .seed(8)
            .users(self.users)
            .guests(0)
            .api_key(AT_KEY)
            .now(now)
            .build();
        secret("B_AT", AT_KEY.into());
        let mut emails: Vec<String> = at
            .members()
            .into_iter()
            .map(|member| member.email)
            .collect();
        portals.push((
            "at",
            Sandbox::builder().router(at.router()),
            "vendor = \"allthenticate\"\napi_key_env = \"B_AT\"".into(),
        ));
        let mut whaly = PartnerPortalSim::builder()
            .seed(8)
            .users(self.users)
            .api_key(PP_KEY)
            .now(now);
        let (quota, window) = self
            .whaly_limit
            .unwrap_or((u32::MAX, Duration::from_secs(60)));
        whaly = whaly.rate_limit(quota, window);
        let whaly = whaly.build();
        secret("B_PP", PP_KEY.into());
        emails.extend(
            whaly
                .users(whaly.portal_id())
                .into_iter()
                .map(|user| user.email),
        );
        portals.push((
            "pp",
            Sandbox::builder().router(whaly.router()),
            format!(
                "vendor = \"partner-portal\"\nportal_id = \"{}\"\napi_key_env = \"B_PP\"",
                whaly.portal_id()
            ),
        ));
        secret("B_LM_ID", LM_ID.into());
        secret("B_LM_KEY", LM_KEY.into());
        portals.extend(self.logicmonitors(&mut emails));
        let (servers, config) = self.serve(portals, home).await;
        let mut emails: Vec<String> = emails
            .into_iter()
            .map(|email| email.to_lowercase())
            .filter(|email| !email.is_empty())
            .collect();
        emails.sort_unstable();
        emails.dedup();
        StartedPortals {
            whaly,
            servers,
            config,
            env,
            emails,
        }
    }

    /// The LogicMonitor portals (one or two), their people's addresses added to `emails`.
    fn logicmonitors(
        &self,
        emails: &mut Vec<String>,
    ) -> Vec<(&'static str, SandboxBuilder, String)> {
        let mut portals = Vec::new();
        let lm_names: &[&'static str] = if self.second_logicmonitor {
            &["lm", "lm2"]
        } else {
            &["lm"]
        };
        for (seed, name) in (8..).zip(lm_names) {
            let lm = LogicMonitorSim::builder()
                .seed(seed)
                .users(self.users)
                .lmv1_credentials(LM_ID, LM_KEY)
                // Not pinned: its rate windows and LMv1 timestamps run on the real clock.
                .build();
            let ids = 1..=i32::try_from(lm.user_count() + 10).expect("a user count");
            emails.extend(
                ids.filter_map(|id| lm.user(id))
                    .filter_map(|user| user["email"].as_str().map(str::to_owned)),
            );
            if let Some((limit, window)) = self.logicmonitor_patch_limit {
                lm.set_route_rate_limit(http::Method::PATCH, "/setting/admins/{id}", limit, window);
            }
            let entry = "vendor = \"logicmonitor\"\naccess_id_env = \"B_LM_ID\"\naccess_key_env = \"B_LM_KEY\"";
            portals.push((*name, Sandbox::builder().router(lm.router()), entry.into()));
        }
        portals
    }

    /// Serves each named portal, with the latency, and writes the portals file for them.
    async fn serve(
        &self,
        portals: Vec<(&'static str, SandboxBuilder, String)>,
        home: &Path,
    ) -> (Vec<(&'static str, Sandbox)>, PathBuf) {
        let mut servers = Vec::new();
        let mut text = String::new();
        for (name, builder, settings) in portals {
            let server = builder
                .journal_capacity(self.users * 3)
                .start()
                .await
                .expect("start a sandbox");
            if let Some(latency) = self.latency {
                server.faults().inject(Fault::delay(latency));
            }
            let base_url = if name.starts_with("lm") {
                server.url("/santaba/rest")
            } else {
                server.base_url().to_string()
            };
            let _ = write!(
                text,
                "[[portals]]\nname = \"{name}\"\nbase_url = \"{base_url}\"\n{settings}\n\n"
            );
            servers.push((name, server));
        }
        let config = home.join("portals.toml");
        std::fs::create_dir_all(home).expect("a scratch directory");
        std::fs::write(&config, text).expect("write the portals file");
        (servers, config)
    }
}
