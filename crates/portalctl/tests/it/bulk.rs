//! Bulk lifecycle end to end: `offboard --from` over thousands of people against a
//! rate-limited LogicMonitor simulator this test starts, killed half-way and resumed, and
//! the journal lock that keeps two `--apply` runs apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use portal_sandbox::Sandbox;

use crate::support::{Portals, ScratchDir, text};
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portalctl::journal_lock::JournalLock;

const LM_ID: &str = "lmBulkAccessId000001";
const LM_KEY: &str = "bulk-lm-key-3e9d20";

/// One LogicMonitor simulator of `users` active people, limited to `per_second`
/// requests per route, and a portals file for it.
struct Lm {
    sim: LogicMonitorSim,
    server: Sandbox,
    dir: ScratchDir,
    env: Vec<(String, String)>,
}

impl Lm {
    async fn start(name: &str, users: usize, per_second: u32) -> Self {
        let sim = LogicMonitorSim::builder()
            .seed(11)
            .users(users)
            .suspended(0.0)
            .lmv1_credentials(LM_ID, LM_KEY)
            .rate_limit(per_second, Duration::from_secs(1))
            .build();
        let server = Sandbox::builder()
            .router(sim.router())
            .journal_capacity(4 * users + 1_000)
            .start()
            .await
            .unwrap();
        let dir = ScratchDir::new(&format!("bulk-{name}"));
        let mut portals = Portals::default();
        portals.logicmonitor_on(server, "lm", &sim, "T_LM_ID", "T_LM_KEY");
        let (mut servers, env) = portals.write(&dir);
        let server = servers.pop().unwrap();
        Self {
            sim,
            server,
            dir,
            env,
        }
    }

    fn journal(&self) -> PathBuf {
        self.dir.join("journal.jsonl")
    }

    /// The emails of the simulator's active users, by id.
    fn active(&self) -> HashMap<i32, String> {
        (1..=i32::try_from(self.sim.user_count()).unwrap())
            .filter_map(|id| Some((id, self.sim.user(id)?)))
            .filter(|(_, user)| user["status"] == "active")
            .filter_map(|(id, user)| Some((id, user["email"].as_str()?.to_lowercase())))
            .filter(|(_, email)| !email.is_empty())
            .collect()
    }

    /// The binary with this simulator's portals file, journal and credentials.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_portalctl"));
        command
            .arg("--config")
            .arg(self.dir.join("portals.toml"))
            .arg("--journal")
            .arg(self.journal())
            .args(args)
            .env_clear()
            .env("HOME", &*self.dir)
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    async fn run(&self, args: &[&str]) -> Output {
        let mut command = self.command(args);
        command.stdout(Stdio::piped());
        tokio::task::spawn_blocking(move || command.output().unwrap())
            .await
            .unwrap()
    }

    /// How many PATCHes each user path received.
    fn patches(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for entry in self.server.journal().entries() {
            if entry.method == http::Method::PATCH {
                *counts.entry(entry.path).or_default() += 1;
            }
        }
        counts
    }
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |text| text.lines().count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_offboard_killed_half_way_finishes_on_rerun_doing_nothing_twice() {
    let lm = Lm::start("resume", 2_000, 400).await;
    let people = lm.active();
    assert!(people.len() > 1_500, "{} active users", people.len());
    let mut file = String::from("# leavers\n");
    for email in people.values() {
        file.push_str(&email.to_uppercase());
        file.push('\n');
    }
    let from = lm.dir.join("leavers.txt");
    std::fs::write(&from, file).unwrap();
    let from = from.display().to_string();

    // Killed (SIGKILL) once a good part of the journal is written.
    let mut child = lm
        .command(&["offboard", "--from", &from, "--apply"])
        .spawn()
        .unwrap();
    let started = Instant::now();
    while lines(&lm.journal()) < people.len() / 2 {
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let cut = lines(&lm.journal());
    assert!(
        cut < 2 * people.len(),
        "killed half-way: {cut} journal lines"
    );
    let still_active = lm.active().len();
    assert!(still_active > 0 && still_active < people.len());

    let rerun = lm.run(&["offboard", "--from", &from, "--apply"]).await;
    assert_eq!(rerun.status.code(), Some(0), "{}", text(&rerun.stderr));
    assert!(
        lm.active().is_empty(),
        "everyone is suspended: {:?} {}",
        lm.active(),
        text(&rerun.stderr)
    );
    let patches = lm.patches();
    for id in people.keys() {
        let path = format!("/santaba/rest/setting/admins/{id}");
        assert_eq!(patches.get(&path), Some(&1), "{path} changed exactly once");
    }
    assert_eq!(patches.len(), people.len(), "nobody else was changed");

    let again = lm.run(&["offboard", "--from", &from, "--apply"]).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(text(&again.stdout).starts_with("Nothing to change."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_line_in_the_people_file_is_refused_before_anything_is_sent() {
    let lm = Lm::start("bad-line", 20, 1_000).await;
    let from = lm.dir.join("leavers.csv");
    std::fs::write(
        &from,
        "name,email\nJane,jane@corp.example\n\nBob,bob-at-corp\n",
    )
    .unwrap();

    let refused = lm
        .run(&["offboard", "--from", &from.display().to_string(), "--apply"])
        .await;

    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        text(&refused.stderr).trim(),
        format!(
            "error: --from `{}`: line 4: `bob-at-corp` is not an email address",
            from.display()
        )
    );
    assert!(lm.server.journal().is_empty(), "nothing was sent");
    assert!(!lm.journal().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_apply_on_a_held_journal_is_refused_at_once() {
    let lm = Lm::start("lock", 20, 1_000).await;
    let email = lm.active().into_values().next().unwrap();
    // Held in this process, as a long `--apply` run would hold it.
    let holder = JournalLock::acquire(&lm.journal(), false).unwrap();

    let refused = lm.run(&["offboard", &email, "--apply"]).await;

    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert_eq!(
        text(&refused.stderr).trim(),
        format!(
            "error: journal `{}` is in use by portalctl process {}; nothing was done (add --wait to wait for it)",
            lm.journal().display(),
            std::process::id()
        )
    );
    assert!(lm.server.journal().is_empty(), "nothing was sent");

    // With --wait it goes ahead once the holder lets go.
    let waiting = lm
        .command(&["offboard", &email, "--apply", "--wait"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(lm.server.journal().is_empty(), "still waiting");
    drop(holder);
    let waited = tokio::task::spawn_blocking(move || waiting.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(waited.status.code(), Some(0), "{}", text(&waited.stderr));
    assert!(!lm.active().values().any(|active| *active == email));
}
