//! `portalctl policy check|plan|apply` end to end, against simulators this test starts.

use std::path::PathBuf;
use std::process::Output;
use std::time::SystemTime;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::threatlocker::ThreatLockerSim;
use serde_json::Value;

use crate::support::{Portals, ScratchDir, portalctl, requests, text};

/// ThreatLocker, Allthenticate and LogicMonitor simulators and a portals file for them.
struct World {
    at: AllthenticateSim,
    lm: LogicMonitorSim,
    servers: Vec<Sandbox>,
    dir: ScratchDir,
    env: Vec<(String, String)>,
}

impl World {
    async fn start(name: &str) -> Self {
        let now = SystemTime::now();
        let tl = ThreatLockerSim::builder().seed(5).children(2).build();
        let at = AllthenticateSim::builder()
            .seed(5)
            .users(120)
            .guests(0)
            .now(now)
            .build();
        let lm = LogicMonitorSim::builder()
            .seed(5)
            .users(60)
            .now(now)
            .build();
        let mut portals = Portals::default();
        portals.threatlocker("tl", &tl, "T_TL").await;
        portals.allthenticate("at", &at, "T_AT").await;
        portals.logicmonitor("lm", &lm, "T_LM_ID", "T_LM_KEY").await;
        let dir = ScratchDir::new(&format!("policy-{name}"));
        let (servers, env) = portals.write(&dir);
        Self {
            at,
            lm,
            servers,
            dir,
            env,
        }
    }

    fn journal(&self) -> PathBuf {
        self.dir.join("journal.jsonl")
    }

    fn requests(&self) -> usize {
        requests(&self.servers)
    }

    /// Writes `policy` and runs `portalctl ARGS --policy FILE`.
    async fn run(&self, policy: &str, args: &[&str]) -> Output {
        let file = self.dir.join("policy.toml");
        std::fs::write(&file, policy).unwrap();
        let mut full: Vec<String> = vec![
            "--config".into(),
            self.dir.join("portals.toml").display().to_string(),
            "--journal".into(),
            self.journal().display().to_string(),
        ];
        full.extend(args.iter().map(|arg| (*arg).to_owned()));
        full.extend(["--policy".to_owned(), file.display().to_string()]);
        portalctl(full, self.env.clone(), &self.dir).await
    }

    /// The judged accounts of `policy plan --format json`.
    async fn plan(&self, policy: &str) -> Value {
        let out = self
            .run(policy, &["policy", "plan", "--format", "json"])
            .await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// LogicMonitor users as the simulator holds them.
    fn lm_users(&self) -> Vec<Value> {
        (1..=i32::try_from(self.lm.user_count()).unwrap() + 10)
            .filter_map(|id| self.lm.user(id))
            .collect()
    }

    /// The journal's (portal, user, action, outcome) entries.
    fn journaled(&self) -> Vec<(String, String, String, String)> {
        std::fs::read_to_string(self.journal())
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .map(|entry| {
                let field = |name: &str| entry[name].as_str().unwrap().to_owned();
                (
                    field("portal"),
                    field("user"),
                    field("action"),
                    field("outcome"),
                )
            })
            .collect()
    }
}

fn accounts<'a>(plan: &'a Value, portal: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    plan["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |account| account["portal"] == portal)
}

fn days_ago(epoch_secs: i64) -> i64 {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    (i64::try_from(now).unwrap() - epoch_secs) / 86_400
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_policy_is_refused_naming_the_line_and_nothing_is_sent() {
    let world = World::start("bad").await;
    for (policy, line) in [
        (
            "[defaults]\ndormant_after = 45\nsuspend_afer = 45\n",
            "line 3",
        ),
        ("[defaults]\ndormant_after = 0\n", "line 2"),
        (
            "[signals]\nlogicmonitor = [\"lastSeen\"]\n[defaults]\ndormant_after = 45\n",
            "line 2",
        ),
    ] {
        for command in ["check", "plan", "apply"] {
            let out = world.run(policy, &["policy", command, "--apply"]).await;
            assert_eq!(
                out.status.code(),
                Some(2),
                "{command}: {}",
                text(&out.stderr)
            );
            let stderr = text(&out.stderr);
            assert!(stderr.contains(line), "{command}: {stderr}");
            assert!(stderr.contains("policy.toml"), "{stderr}");
        }
    }
    assert_eq!(world.requests(), 0, "nothing was sent");
    assert!(!world.journal().exists());
    let good = world
        .run(
            "[defaults]\ndormant_after = \"pci\"\n",
            &["policy", "check"],
        )
        .await;
    assert_eq!(good.status.code(), Some(0), "{}", text(&good.stderr));
    assert_eq!(world.requests(), 0, "check sends nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_accounts_are_never_acted_on_and_threatlocker_is_checked_by_hand() {
    let world = World::start("unknown").await;
    // Humans have no API tokens: with only that signal chosen, they are `unknown`.
    let policy = "[signals]\nlogicmonitor = [\"apiTokens.lastUsedOn\"]\n\
                  [defaults]\ndormant_after = 1\nsuspend_after = 1\nnever_logged_in = \"always\"\n\
                  [exclude]\napi_only = true\n";
    let plan = world.plan(policy).await;
    let humans: Vec<&Value> = accounts(&plan, "lm")
        .filter(|account| account["kind"] == "human")
        .collect();
    assert!(!humans.is_empty());
    for account in &humans {
        assert_eq!(account["classification"], "unknown", "{account}");
        assert!(account["stage"].is_null() && account["actions"] == serde_json::json!([]));
    }
    let tl = plan["portals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|portal| portal["portal"] == "tl")
        .unwrap();
    assert_eq!(
        tl["manual_check"]["organizations"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "its own organization and 2 children"
    );

    let before = world.lm_users();
    let out = world.run(policy, &["policy", "apply", "--apply"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no usable activity signal: never acted on"));
    assert_eq!(before, world.lm_users(), "LogicMonitor untouched");
    let journaled = world.journaled();
    assert!(
        journaled.iter().any(|(portal, ..)| portal == "at"),
        "Allthenticate accounts with a signal were acted on"
    );
    assert!(
        journaled.iter().all(|(portal, ..)| portal != "lm"),
        "nothing journaled on LogicMonitor: {journaled:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dormant_accounts_are_suspended_moved_and_journaled_but_break_glass_is_spared() {
    let world = World::start("apply").await;
    let dormant: Vec<Value> = world
        .lm_users()
        .into_iter()
        .filter(|user| {
            user["status"] == "active"
                && user["apionly"] != true
                && user["lastLoginOn"].as_i64().unwrap() > 0
                && days_ago(user["lastLoginOn"].as_i64().unwrap()) >= 100
                && days_ago(user["lastActionOn"].as_i64().unwrap_or(0)) >= 100
                && days_ago(user["lastAccessOn"].as_i64().unwrap_or(0)) >= 100
        })
        .collect();
    assert!(dormant.len() >= 2, "the seed has dormant users");
    let glass = dormant[0]["email"].as_str().unwrap().to_lowercase();
    let policy = format!(
        "[defaults]\ndormant_after = 90\nsuspend_after = 90\nmove_after = 90\nmove_to_group = \"Suspended\"\n\
         [break_glass]\naccounts = [\"{glass}\"]\n"
    );
    let plan = world.plan(&policy).await;
    let spared = accounts(&plan, "lm")
        .find(|account| account["email"] == glass.as_str())
        .unwrap();
    assert_eq!(spared["classification"], "dormant");
    assert_eq!(
        spared["reason"],
        format!("excluded: break-glass account `{glass}` (policy line 7)")
    );
    let table = world.run(&policy, &["policy", "plan"]).await;
    assert!(text(&table.stdout).contains(&format!("excluded: break-glass account `{glass}`")));

    let dry = world.run(&policy, &["policy", "apply"]).await;
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    assert!(!world.journal().exists(), "a dry run journals nothing");

    let out = world.run(&policy, &["policy", "apply", "--apply"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let group = world
        .lm
        .groups()
        .into_iter()
        .find(|group| group["name"] == "Suspended")
        .expect("the group was created")["id"]
        .as_i64()
        .unwrap();
    let journaled = world.journaled();
    for user in &dormant {
        let id = i32::try_from(user["id"].as_i64().unwrap()).unwrap();
        let email = user["email"].as_str().unwrap().to_lowercase();
        let now = world.lm.user(id).unwrap();
        if email == glass {
            assert_eq!(now["status"], "active", "break-glass untouched");
            assert!(journaled.iter().all(|(_, user, ..)| *user != email));
        } else {
            assert_eq!(now["status"], "suspended", "{email}");
            assert_eq!(
                world.lm.user_group_ids(id).unwrap(),
                [i32::try_from(group).unwrap()]
            );
            for action in ["suspend", "move to group Suspended"] {
                assert!(
                    journaled.contains(&("lm".into(), email.clone(), action.into(), "done".into())),
                    "{email} {action}: {journaled:?}"
                );
            }
        }
    }
    assert_moves_journal_the_groups_they_left(&world, &dormant[1..]);
    let again = world.run(&policy, &["policy", "apply", "--apply"]).await;
    assert!(
        !text(&again.stdout).contains("lm  "),
        "nothing left on LogicMonitor: {}",
        text(&again.stdout)
    );
}

/// Each finished move of one of `moved` (LogicMonitor users as they were before) is
/// journaled with the groups it left, as the action restoring them.
fn assert_moves_journal_the_groups_they_left(world: &World, moved: &[Value]) {
    let names: std::collections::HashMap<i64, String> = world
        .lm
        .groups()
        .into_iter()
        .map(|group| {
            (
                group["id"].as_i64().unwrap(),
                group["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let journal = std::fs::read_to_string(world.journal()).unwrap();
    let entries: Vec<Value> = journal
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let mut checked = 0;
    for user in moved {
        let groups: Vec<&str> = user["adminGroupIds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| names[&id.as_i64().unwrap()].as_str())
            .collect();
        if groups.is_empty() {
            continue;
        }
        let email = user["email"].as_str().unwrap().to_lowercase();
        let entry = entries
            .iter()
            .find(|entry| {
                entry["user"] == email.as_str()
                    && entry["action"] == "move to group Suspended"
                    && entry["outcome"] == "done"
            })
            .unwrap_or_else(|| panic!("{email} moved: {journal}"));
        assert_eq!(
            entry["undo"],
            format!("restore groups {}", serde_json::to_string(&groups).unwrap()),
            "{email}"
        );
        checked += 1;
    }
    assert!(checked > 0, "a moved user had groups: {moved:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_logged_in_accounts_are_acted_on_only_once_older_than_the_threshold() {
    let world = World::start("never").await;
    let policy = "[defaults]\ndormant_after = 550\nsuspend_after = 550\n";
    let plan = world.plan(policy).await;
    let never: Vec<&Value> = accounts(&plan, "at")
        .filter(|account| account["classification"] == "never-logged-in")
        .collect();
    let (old, young): (Vec<&Value>, Vec<&Value>) = never.iter().partition(|account| {
        let member = world
            .at
            .member(account["id"].as_str().unwrap().parse().unwrap())
            .unwrap();
        let created = chrono::NaiveDateTime::parse_from_str(
            member.created.as_deref().unwrap(),
            "%Y-%m-%d %H:%M:%S",
        )
        .unwrap()
        .and_utc();
        days_ago(created.timestamp()) >= 550
    });
    assert!(!old.is_empty() && !young.is_empty(), "{never:?}");
    for account in &young {
        assert!(account["stage"].is_null(), "{account}");
        assert!(
            account["reason"]
                .as_str()
                .unwrap()
                .contains("younger than 550 days"),
            "{account}"
        );
    }
    // Older, but invitations never accepted: Allthenticate refuses to suspend those, so
    // they are pending, reported and not acted on.
    for account in &old {
        assert!(account["stage"].is_null(), "{account}");
        assert_eq!(
            account["reason"], "neither enabled nor suspended: not acted on",
            "{account}"
        );
    }

    let out = world.run(policy, &["policy", "apply", "--apply"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for account in &never {
        let id = account["id"].as_str().unwrap().parse().unwrap();
        assert!(!world.at.member(id).unwrap().suspended, "{account}");
    }
    let suspended: Vec<_> = world
        .journaled()
        .into_iter()
        .filter(|(portal, ..)| portal == "at")
        .collect();
    assert!(
        suspended
            .iter()
            .all(|(_, user, action, outcome)| action == "suspend"
                && outcome != "failed"
                && never
                    .iter()
                    .all(|account| account["email"] != user.as_str())),
        "{suspended:?}"
    );
}
