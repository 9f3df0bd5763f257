//! The `portalctl` binary end to end, against sandboxes this test starts (or, with no
//! configuration, the built-in one). These live in the portalctl package because only
//! there does Cargo hand tests the binary's path (`CARGO_BIN_EXE_portalctl`).

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::SystemTime;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::{AllthenticateSim, AllthenticateSimBuilder, SuspensionReport};
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::partner_portal::PartnerPortalSim;
use portal_sandbox::threatlocker::{DEFAULT_ROLE_NAMES, ThreatLockerSim};
use serde_json::Value;

use crate::support::{Portals, ScratchDir, portalctl, requests, text};

const AT_KEY: &str = "canary-at-5f1e0c";
const PP_KEY: &str = "sk:canary-pp-9b2d47";
const LM_ID: &str = "lmCanaryAccessId0001";
const LM_KEY: &str = "canary-lm-key-7c3a1f";

/// Four simulators, a portals file pointing at them and the environment it needs.
struct World {
    tl: ThreatLockerSim,
    at: AllthenticateSim,
    pp: PartnerPortalSim,
    lm: LogicMonitorSim,
    servers: Vec<Sandbox>,
    dir: ScratchDir,
    env: Vec<(String, String)>,
}

impl World {
    async fn start(name: &str, children: usize, lacking: usize) -> Self {
        Self::start_with(name, children, lacking, |at| at).await
    }

    /// [`World::start`], with the Allthenticate simulator's settings changed by `at`.
    async fn start_with(
        name: &str,
        children: usize,
        lacking: usize,
        at: impl FnOnce(AllthenticateSimBuilder) -> AllthenticateSimBuilder,
    ) -> Self {
        let now = SystemTime::now();
        let tl = ThreatLockerSim::builder()
            .seed(3)
            .children(children)
            .role_names(DEFAULT_ROLE_NAMES.iter().copied().chain(["Technician"]))
            .children_lacking_role("Technician", lacking)
            .build();
        let at = at(AllthenticateSim::builder()
            .seed(3)
            .users(30)
            .guests(0)
            .api_key(AT_KEY)
            .now(now))
        .build();
        let pp = PartnerPortalSim::builder()
            .seed(3)
            .users(30)
            .api_key(PP_KEY)
            .now(now)
            .build();
        let lm = LogicMonitorSim::builder()
            .seed(3)
            .users(40)
            .lmv1_credentials(LM_ID, LM_KEY)
            .now(now)
            .build();
        let mut portals = Portals::default();
        portals.threatlocker("tl", &tl, "T_TL_TOKEN").await;
        portals.allthenticate("at", &at, "T_AT_KEY").await;
        portals.partner_portal("pp", &pp, "T_PP_KEY").await;
        portals.logicmonitor("lm", &lm, "T_LM_ID", "T_LM_KEY").await;
        let dir = ScratchDir::new(&format!("cli-{name}"));
        let (servers, env) = portals.write(&dir);
        Self {
            tl,
            at,
            pp,
            lm,
            servers,
            dir,
            env,
        }
    }

    fn journal(&self) -> PathBuf {
        self.dir.join("journal.jsonl")
    }

    fn secrets(&self) -> Vec<String> {
        self.env.iter().map(|(_, value)| value.clone()).collect()
    }

    /// Runs portalctl with this world's config and journal.
    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[]).await
    }

    async fn run_with(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let mut env = self.env.clone();
        for (name, value) in extra_env {
            env.retain(|(existing, _)| existing != name);
            env.push(((*name).to_owned(), (*value).to_owned()));
        }
        self.run_in(&self.dir.join("portals.toml"), args, env).await
    }

    /// Runs portalctl with another portals file, this world's journal and only `env`.
    async fn run_in(&self, config: &Path, args: &[&str], env: Vec<(String, String)>) -> Output {
        let mut full = vec![
            "--config".to_owned(),
            config.display().to_string(),
            "--journal".to_owned(),
            self.journal().display().to_string(),
        ];
        full.extend(args.iter().map(|arg| (*arg).to_owned()));
        portalctl(full, env, &self.dir).await
    }

    /// This world's portals file with every secret taken from an owner-only file or a
    /// command (`cat` of such a file) instead of the environment.
    #[cfg(unix)]
    fn config_without_env(&self) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let original = std::fs::read_to_string(self.dir.join("portals.toml")).unwrap();
        let mut config = original.clone();
        for (index, (variable, value)) in self.env.iter().enumerate() {
            let path = self.dir.join(format!("secret-{index}"));
            std::fs::write(&path, format!("{value}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            let field = original
                .lines()
                .find(|line| line.ends_with(&format!("\"{variable}\"")))
                .and_then(|line| line.split(" = ").next())
                .unwrap()
                .to_owned();
            let secret = field.trim_end_matches("_env");
            let replacement = if index % 2 == 0 {
                format!("{secret}_file = \"{}\"", path.display())
            } else {
                format!("{secret}_command = [\"cat\", \"{}\"]", path.display())
            };
            config = config.replace(&format!("{field} = \"{variable}\""), &replacement);
        }
        assert!(!config.contains("_env"), "{config}");
        let path = self.dir.join("portals-files.toml");
        std::fs::write(&path, config).unwrap();
        path
    }

    fn requests(&self) -> usize {
        requests(&self.servers)
    }
}

fn stdout_json(output: &Output) -> Vec<Value> {
    serde_json::from_slice::<Value>(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {}", text(&output.stdout)))
        .as_array()
        .unwrap()
        .clone()
}

fn lm_ids(lm: &LogicMonitorSim) -> Vec<i32> {
    (1..=i32::try_from(lm.user_count()).unwrap() + 10)
        .filter(|id| lm.user(*id).is_some())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_without_config_uses_the_built_in_sandbox() {
    let home = ScratchDir::new("cli-noconfig");
    let table = portalctl(vec!["audit".into()], vec![], &home).await;
    assert_eq!(table.status.code(), Some(0), "{}", text(&table.stderr));
    let stdout = text(&table.stdout);
    let header = stdout.lines().next().unwrap();
    for column in [
        "PORTAL",
        "VENDOR",
        "EMAIL",
        "STATUS",
        "LAST LOGIN",
        "INACTIVE",
    ] {
        assert!(header.contains(column), "{header}");
    }
    for vendor in ["allthenticate", "partner-portal", "logicmonitor"] {
        assert!(
            stdout.lines().skip(1).any(|line| line.contains(vendor)),
            "{vendor}"
        );
    }
    let stderr = text(&table.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.contains("built-in sandbox"))
            .count(),
        1,
        "{stderr}"
    );
    // ThreatLocker cannot list users, so the audit says how far the blind spot reaches.
    assert!(
        stderr.contains("check its organization and 300 child organizations by hand"),
        "{stderr}"
    );

    let json = portalctl(
        vec!["audit".into(), "--format".into(), "json".into()],
        vec![],
        &home,
    )
    .await;
    assert_eq!(json.status.code(), Some(0));
    let records = stdout_json(&json);
    assert_eq!(
        records.len(),
        stdout.lines().count() - 1,
        "same people as the table"
    );
    let keys = [
        "portal",
        "vendor",
        "tenant",
        "id",
        "email",
        "name",
        "status",
        "last_login",
        "roles",
        "groups",
        "inactive",
    ];
    for record in &records {
        let object = record.as_object().unwrap();
        assert_eq!(object.len(), keys.len(), "{record}");
        for key in keys {
            assert!(object.contains_key(key), "{key} missing in {record}");
        }
        let login = &record["last_login"];
        assert!(
            login.is_null()
                || chrono::DateTime::parse_from_rfc3339(login.as_str().unwrap()).is_ok(),
            "{login}"
        );
    }
    let vendors: std::collections::HashSet<_> = records
        .iter()
        .map(|r| r["vendor"].as_str().unwrap())
        .collect();
    assert_eq!(
        vendors.len(),
        3,
        "ThreatLocker cannot list users: {vendors:?}"
    );
    assert!(records.iter().any(|r| r["inactive"] == true));
    assert!(records.iter().any(|r| r["inactive"] == false));
}

/// Someone present in all three listable sandboxes.
fn everywhere(world: &World) -> String {
    let lm_emails: Vec<String> = lm_ids(&world.lm)
        .into_iter()
        .filter_map(|id| world.lm.user(id)?["email"].as_str().map(str::to_lowercase))
        .collect();
    world
        .at
        .members()
        .into_iter()
        .map(|member| member.email.to_lowercase())
        .find(|email| {
            lm_emails.contains(email)
                && world
                    .pp
                    .user_by_email(world.pp.portal_id(), email)
                    .is_some()
        })
        .expect("the seeded people overlap")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboard_plans_then_applies_once() {
    let world = World::start("offboard", 2, 0).await;
    let email = everywhere(&world);
    let lm_id = lm_ids(&world.lm)
        .into_iter()
        .find(|id| {
            world.lm.user(*id).unwrap()["email"]
                .as_str()
                .map(str::to_lowercase)
                == Some(email.clone())
        })
        .unwrap();
    let lm_status = |world: &World| world.lm.user(lm_id).unwrap()["status"].clone();
    let at_suspended = |world: &World| world.at.member_by_email(&email).unwrap().suspended;

    let dry = world.run(&["offboard", &email.to_uppercase()]).await;
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let plan = text(&dry.stdout);
    assert!(
        plan.contains("suspend") && plan.contains("delete"),
        "{plan}"
    );
    assert!(
        plan.contains("tl: not done: threatlocker's API does not offer list users"),
        "{plan}"
    );
    assert!(!at_suspended(&world));
    assert!(
        world
            .pp
            .user_by_email(world.pp.portal_id(), &email)
            .is_some()
    );
    assert_eq!(lm_status(&world), "active");
    assert!(!world.journal().exists(), "a dry run journals nothing");

    let applied = world.run(&["offboard", &email, "--apply"]).await;
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied.stderr));
    assert!(at_suspended(&world));
    assert!(
        world
            .pp
            .user_by_email(world.pp.portal_id(), &email)
            .is_none()
    );
    assert_eq!(lm_status(&world), "suspended");
    let journal = std::fs::read_to_string(world.journal()).unwrap();
    let entries: Vec<Value> = journal
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        entries.len(),
        6,
        "started and done for each of three actions: {journal}"
    );
    for (portal, action) in [("at", "suspend"), ("pp", "delete"), ("lm", "suspend")] {
        let outcomes: Vec<_> = entries
            .iter()
            .filter(|e| {
                e["portal"] == portal && e["action"] == action && e["user"] == email.as_str()
            })
            .map(|e| e["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(outcomes, ["started", "done"], "{portal}");
        assert!(entries.iter().all(|e| e["time"].is_string()));
    }

    let again = world.run(&["offboard", &email, "--apply"]).await;
    assert_eq!(again.status.code(), Some(0));
    assert!(
        text(&again.stdout).starts_with("Nothing to change."),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(std::fs::read_to_string(world.journal()).unwrap(), journal);
}

/// The journal's entries for `portal`, as `(action, outcome)` pairs.
fn journaled(world: &World, portal: &str) -> Vec<(String, String)> {
    std::fs::read_to_string(world.journal())
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|entry| entry["portal"] == portal)
        .map(|entry| {
            let field = |name: &str| entry[name].as_str().unwrap().to_owned();
            (field("action"), field("outcome"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offboard_cut_short_by_a_failing_portal_is_finished_by_a_rerun() {
    let world = World::start("offboard-fault", 2, 0).await;
    let email = everywhere(&world);
    let lm = &world.servers[3];
    let suspended = || {
        lm_ids(&world.lm)
            .into_iter()
            .filter_map(|id| world.lm.user(id))
            .filter(|user| user["email"].as_str().map(str::to_lowercase) == Some(email.clone()))
            .all(|user| user["status"] == "suspended")
    };
    let patches = || {
        lm.journal()
            .entries()
            .iter()
            .filter(|entry| entry.method == http::Method::PATCH)
            .count()
    };
    // LogicMonitor refuses every change, as an outage would, retries included.
    let outage = lm.faults().inject(
        portal_sandbox::Fault::status(503)
            .retry_after(0)
            .on_method(http::Method::PATCH),
    );

    let first = world.run(&["offboard", &email, "--apply"]).await;
    assert_eq!(first.status.code(), Some(3), "{}", text(&first.stderr));
    assert!(world.at.member_by_email(&email).unwrap().suspended);
    assert!(
        world
            .pp
            .user_by_email(world.pp.portal_id(), &email)
            .is_none()
    );
    assert!(!suspended(), "the refused suspension did not happen");
    let ok = |action: &str| {
        vec![
            (action.to_owned(), "started".to_owned()),
            (action.to_owned(), "done".to_owned()),
        ]
    };
    assert_eq!(journaled(&world, "at"), ok("suspend"));
    assert_eq!(journaled(&world, "pp"), ok("delete"));
    assert_eq!(
        journaled(&world, "lm"),
        [
            ("suspend".to_owned(), "started".to_owned()),
            ("suspend".to_owned(), "failed".to_owned())
        ]
    );
    let refused = patches();
    assert!(refused >= 1);

    // The outage ends; the same command finishes the job and repeats nothing.
    assert!(lm.faults().remove(outage));
    let second = world.run(&["offboard", &email, "--apply"]).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert!(suspended());
    assert_eq!(patches(), refused + 1, "one more PATCH: the suspension");
    assert_eq!(
        journaled(&world, "at"),
        ok("suspend"),
        "not suspended twice"
    );
    assert_eq!(journaled(&world, "pp"), ok("delete"), "not deleted twice");
    let mut lm_entries = vec![
        ("suspend".to_owned(), "started".to_owned()),
        ("suspend".to_owned(), "failed".to_owned()),
    ];
    lm_entries.extend(ok("suspend"));
    assert_eq!(journaled(&world, "lm"), lm_entries);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspend_inactive_suspends_and_moves_exactly_the_idle() {
    let world = World::start("inactive", 2, 0).await;
    let cutoff = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 90 * 86_400;
    let before: Vec<(i32, Value)> = lm_ids(&world.lm)
        .into_iter()
        .map(|id| (id, world.lm.user(id).unwrap()))
        .collect();
    let idle = |user: &Value| {
        user["status"] == "active"
            && user["apionly"] != true
            && user["lastLoginOn"].as_i64().unwrap_or(0) < i64::try_from(cutoff).unwrap()
    };
    let expected: Vec<i32> = before
        .iter()
        .filter(|(_, u)| idle(u))
        .map(|(id, _)| *id)
        .collect();
    assert!(!expected.is_empty() && expected.len() < before.len());
    assert!(
        before
            .iter()
            .any(|(id, u)| u["lastLoginOn"].as_i64().unwrap_or(0) == 0
                && u["apionly"] != true
                && expected.contains(id)),
        "never-logged-in users count as idle"
    );

    let out = world
        .run(&[
            "suspend-inactive",
            "--days",
            "90",
            "--group",
            "Suspended",
            "--apply",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let suspended_group = world
        .lm
        .groups()
        .into_iter()
        .find(|g| g["name"] == "Suspended")
        .expect("group created")["id"]
        .as_i64()
        .unwrap();
    for (id, old) in &before {
        let now = world.lm.user(*id).unwrap();
        if expected.contains(id) {
            assert_eq!(now["status"], "suspended", "{id}");
            assert_eq!(
                world.lm.user_group_ids(*id).unwrap(),
                [i32::try_from(suspended_group).unwrap()]
            );
        } else {
            assert_eq!(now["status"], old["status"], "{id} untouched");
            assert_eq!(now["adminGroupIds"], old["adminGroupIds"], "{id} untouched");
        }
    }
    assert!(
        before
            .iter()
            .any(|(_, u)| u["apionly"] == true && u["status"] == "active"),
        "API-only users stay active"
    );
    let again = world
        .run(&[
            "suspend-inactive",
            "--days",
            "90",
            "--group",
            "Suspended",
            "--apply",
        ])
        .await;
    assert!(
        text(&again.stdout).starts_with("Nothing to change."),
        "{}",
        text(&again.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_across_children_reports_the_ones_lacking_the_role() {
    let world = World::start("invite", 300, 20).await;
    let out = world
        .run(&[
            "invite",
            "new.tech@msp.example",
            "--portal",
            "tl",
            "--role",
            "Technician",
            "--all-child-orgs",
            "--apply",
        ])
        .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("into 280 of 300 organizations"),
        "{}",
        text(&out.stdout)
    );
    let lacking = world.tl.children_lacking("Technician");
    assert_eq!(lacking.len(), 20);
    let stderr = text(&out.stderr);
    for child in &lacking {
        assert!(stderr.contains(&child.to_string()), "{child} reported");
        assert!(world.tl.pending_users(*child).is_empty());
    }
    let invited = world
        .tl
        .child_ids()
        .into_iter()
        .filter(|child| {
            world
                .tl
                .pending_users(*child)
                .iter()
                .any(|u| u.username == "new.tech@msp.example")
        })
        .count();
    assert_eq!(invited, 280);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failing_portal_is_partial_and_the_others_print() {
    let world = World::start("partial", 2, 0).await;
    let out = world
        .run_with(
            &["users", "--format", "json"],
            &[("T_PP_KEY", "sk:wrong-key")],
        )
        .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let records = stdout_json(&out);
    let count = |portal: &str| records.iter().filter(|r| r["portal"] == portal).count();
    assert_eq!(count("at"), world.at.members().len());
    assert_eq!(count("lm"), world.lm.user_count());
    assert_eq!(count("pp"), 0);
    assert!(
        text(&out.stderr).contains("portal `pp` failed"),
        "{}",
        text(&out.stderr)
    );

    // ThreatLocker lists no users, but a token it refuses still fails the audit.
    let out = world
        .run_with(&["audit", "--format", "json"], &[("T_TL_TOKEN", "wrong")])
        .await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let records = stdout_json(&out);
    assert_eq!(
        records.len(),
        world.at.members().len()
            + world.pp.users(world.pp.portal_id()).len()
            + world.lm.user_count()
    );
    assert!(
        text(&out.stderr).contains("portal `tl` failed"),
        "{}",
        text(&out.stderr)
    );
}

/// Arguments, extra environment, and what the one-line message must say.
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_usage_error_and_sends_nothing() {
    let world = World::start("usage", 2, 0).await;
    let cases: [Case; 5] = [
        (&["users", "--portal", "nope"], &[], "unknown portal `nope`"),
        (&["offboard", "not-an-email"], &[], "not an email address"),
        (&["suspend-inactive", "--days", "0"], &[], "--days"),
        (
            &[
                "invite",
                "a@b.example",
                "--portal",
                "at",
                "--role",
                "x",
                "--all-child-orgs",
            ],
            &[],
            "--all-child-orgs",
        ),
        (
            &["audit"],
            &[("T_LM_KEY", "")],
            "portal `lm`, field `access_key_env`",
        ),
    ];
    for (args, env, message) in cases {
        let out = world.run_with(args, env).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stderr = text(&out.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
    assert_eq!(world.requests(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_leave_the_process_in_text() {
    let world = World::start("hygiene", 3, 1).await;
    let email = everywhere(&world);
    let trace = [("RUST_LOG", "trace")];
    let mut seen = String::new();
    for args in [
        &["portals"][..],
        &["audit", "--format", "csv"],
        &["offboard", &email, "--apply"],
        &[
            "invite",
            "x@msp.example",
            "--portal",
            "tl",
            "--role",
            "Technician",
            "--all-child-orgs",
            "--apply",
        ],
        &["users"],
    ] {
        let out = world.run_with(args, &trace).await;
        seen.push_str(&text(&out.stdout));
        seen.push_str(&text(&out.stderr));
    }
    let wrong = world
        .run_with(
            &["audit"],
            &[("RUST_LOG", "trace"), ("T_LM_KEY", "canary-wrong-lm-key")],
        )
        .await;
    seen.push_str(&text(&wrong.stderr));
    seen.push_str(&std::fs::read_to_string(world.journal()).unwrap());
    assert!(
        seen.contains("TRACE") || seen.contains("DEBUG") || seen.contains("INFO"),
        "tracing was on"
    );
    for secret in world
        .secrets()
        .into_iter()
        .chain(["canary-wrong-lm-key".to_owned()])
    {
        assert!(!seen.contains(&secret), "a secret leaked");
    }
    let at = seen
        .find("canary")
        .map(|at| &seen[at.saturating_sub(200)..(at + 60).min(seen.len())]);
    assert!(at.is_none(), "no canary anywhere: {at:?}");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_from_files_and_commands_never_leave_the_process_in_text() {
    use std::os::unix::fs::PermissionsExt;
    let world = World::start("hygiene-files", 3, 1).await;
    let email = everywhere(&world);
    let config = world.config_without_env();
    let trace = || vec![("RUST_LOG".to_owned(), "trace".to_owned())];
    let mut seen = String::new();
    for args in [
        &["portals"][..],
        &["audit", "--format", "csv"],
        &["offboard", &email, "--apply"],
    ] {
        let out = world.run_in(&config, args, trace()).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        seen.push_str(&text(&out.stdout));
        seen.push_str(&text(&out.stderr));
    }
    assert!(
        seen.contains(&email),
        "the secrets worked: the audit listed people"
    );

    // A secret file others may read is refused, naming the portal and the field.
    let original = std::fs::read_to_string(&config).unwrap();
    let open = world.dir.join("secret-0");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = world.run_in(&config, &["audit"], trace()).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("portal `tl`, field `token_file`")
            && text(&out.stderr).contains("mode 644"),
        "{}",
        text(&out.stderr)
    );
    seen.push_str(&text(&out.stdout));
    seen.push_str(&text(&out.stderr));
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o600)).unwrap();

    // A failing command: its stderr and status are shown, what it printed is not.
    let failing = original.replacen(
        &format!("token_file = \"{}\"", open.display()),
        &format!(
            "token_command = [\"sh\", \"-c\", \"cat {}; echo vault is locked >&2; exit 4\"]",
            open.display()
        ),
        1,
    );
    assert_ne!(failing, original);
    std::fs::write(&config, failing).unwrap();
    let out = world.run_in(&config, &["audit"], trace()).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("portal `tl`, field `token_command`")
            && stderr.contains("vault is locked")
            && stderr.contains("exit status: 4"),
        "{stderr}"
    );
    seen.push_str(&text(&out.stdout));
    seen.push_str(&stderr);
    seen.push_str(&std::fs::read_to_string(world.journal()).unwrap());

    assert!(
        seen.contains("TRACE") || seen.contains("DEBUG"),
        "tracing was on"
    );
    for secret in world.secrets() {
        assert!(!seen.contains(&secret), "a secret leaked");
    }
    let at = seen
        .find("canary")
        .map(|at| &seen[at.saturating_sub(200)..(at + 60).min(seen.len())]);
    assert!(at.is_none(), "no canary anywhere: {at:?}");
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let home = ScratchDir::new("cli-pipe");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_portalctl"))
        .arg("audit")
        .env_clear()
        .env("HOME", &*home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the header line only, then hang up, as `portalctl audit | head -1` would.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let output = child.wait_with_output().unwrap();

    assert!(first.starts_with("PORTAL"), "{first}");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        !text(&output.stderr).contains("error"),
        "{}",
        text(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_are_listed_created_moved_into_and_deleted_on_logicmonitor() {
    let world = World::start("groups", 1, 0).await;
    let group_named = |name: &str| {
        world
            .lm
            .groups()
            .into_iter()
            .find(|group| group["name"] == name)
            .and_then(|group| group["id"].as_i64())
    };
    let existing = world.lm.groups()[0]["name"].as_str().unwrap().to_owned();

    let listed = world.run(&["groups", "list", "--portal", "lm"]).await;
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    assert!(
        text(&listed.stdout).contains(&existing),
        "{}",
        text(&listed.stdout)
    );

    let planned = world
        .run(&["groups", "create", "Night Shift", "--portal", "lm"])
        .await;
    assert_eq!(planned.status.code(), Some(0), "{}", text(&planned.stderr));
    assert_eq!(
        group_named("Night Shift"),
        None,
        "a dry run creates nothing"
    );
    let created = world
        .run(&[
            "groups",
            "create",
            "Night Shift",
            "--portal",
            "lm",
            "--apply",
        ])
        .await;
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    let night_shift = group_named("Night Shift").expect("the group was created");

    let (user_id, email) = lm_ids(&world.lm)
        .into_iter()
        .find_map(|id| {
            let email = world.lm.user(id)?["email"].as_str()?.to_owned();
            (!email.is_empty()).then_some((id, email))
        })
        .expect("a LogicMonitor user with an email");
    let moved = world
        .run(&[
            "groups",
            "move",
            &email,
            "--to",
            "Night Shift",
            "--portal",
            "lm",
            "--apply",
        ])
        .await;
    assert_eq!(moved.status.code(), Some(0), "{}", text(&moved.stderr));
    assert_eq!(
        world.lm.user_group_ids(user_id).unwrap(),
        [i32::try_from(night_shift).unwrap()]
    );

    let deleted = world
        .run(&[
            "groups",
            "delete",
            "Night Shift",
            "--portal",
            "lm",
            "--apply",
        ])
        .await;
    assert_eq!(deleted.status.code(), Some(0), "{}", text(&deleted.stderr));
    assert_eq!(group_named("Night Shift"), None);
    assert!(world.lm.user_group_ids(user_id).unwrap().is_empty());

    // Groups are LogicMonitor's alone: another vendor's portal is refused before anything is sent.
    let before = world.requests();
    let refused = world.run(&["groups", "list", "--portal", "at"]).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("does not offer user groups"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(world.requests(), before);
}

/// LogicMonitor's total can count users the credentials may not see: a listing that ends
/// on an empty page before it is worked with and reported, not failed nor silently short.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_says_when_a_portal_returned_fewer_users_than_it_reported() {
    let world = World::start("partial-listing", 2, 0).await;
    world.servers[3].faults().inject(
        portal_sandbox::Fault::status(200)
            .json_body(&serde_json::json!({"total": 41, "searchId": null, "items": []}))
            .on_method(http::Method::GET)
            .on_path("/santaba/rest/setting/admins")
            .times(1),
    );

    let output = world.run(&["audit", "--format", "json"]).await;

    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("portal `lm`: portal reported 41 users, returned 0"),
        "{stderr}"
    );
    let users: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(users.iter().all(|user| user["portal"] != "lm"));
    assert!(users.iter().any(|user| user["portal"] == "at"));
}

/// A portal that does not show whether a person is suspended: offboarding refuses to
/// toggle there (a toggle could re-activate them), says why, ends partial, and still
/// offboards everywhere else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offboard_refuses_where_the_suspension_state_is_unknown() {
    let world = World::start_with("offboard-unknown", 2, 0, |at| {
        at.suspension_report(SuspensionReport::NotReported)
    })
    .await;
    let email = everywhere(&world);

    let output = world.run(&["offboard", &email, "--apply"]).await;

    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    assert!(
        stdout.contains(&format!("at: refused: {email}")) && stdout.contains("state is unknown"),
        "{stdout}"
    );
    assert!(!world.at.member_by_email(&email).unwrap().suspended);
    assert!(
        world.servers[1]
            .journal()
            .entries()
            .iter()
            .all(|entry| !entry.path.contains("togglesuspension")),
        "nothing toggled"
    );
    assert!(journaled(&world, "at").is_empty());
    assert_eq!(
        journaled(&world, "pp"),
        [
            ("delete".to_owned(), "started".to_owned()),
            ("delete".to_owned(), "done".to_owned())
        ]
    );
}

/// `snapshot` records a portal that failed as failed (never as "no users"), and `diff`
/// between two snapshots shows an offboarding, leaving out the portal unknown in one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_record_failed_portals_and_diff_shows_an_offboarding() {
    let world = World::start("snapshot", 2, 0).await;
    let store = world.dir.join("reviews.sqlite3").display().to_string();
    let email = everywhere(&world);
    let outage = world.servers[2]
        .faults()
        .inject(portal_sandbox::Fault::status(401));

    let first = world.run(&["snapshot", "--store", &store]).await;
    assert_eq!(first.status.code(), Some(3), "{}", text(&first.stderr));
    let table = text(&first.stdout);
    let row = |portal: &str| {
        table
            .lines()
            .find(|line| line.starts_with(&format!("{portal} ")))
            .map_or_else(
                || panic!("no row for {portal}: {table}"),
                |line| line.split_whitespace().collect::<Vec<_>>(),
            )
    };
    assert_eq!(row("pp")[2..4], ["failed", "0"]);
    assert_eq!(row("tl")[2], "failed", "ThreatLocker can not list: unknown");
    let lm_users = world.lm.user_count().to_string();
    assert_eq!(row("lm")[2..4], ["ok", lm_users.as_str()]);

    assert!(world.servers[2].faults().remove(outage));
    let offboard = world.run(&["offboard", &email, "--apply"]).await;
    assert_eq!(
        offboard.status.code(),
        Some(0),
        "{}",
        text(&offboard.stderr)
    );
    let second = world.run(&["snapshot", "--store", &store]).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));

    let diff = world
        .run(&["diff", "--store", &store, "--format", "json"])
        .await;
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff.stderr));
    let entries: Vec<Value> = serde_json::from_slice(&diff.stdout).unwrap();
    let changed: Vec<(String, String, String)> = entries
        .iter()
        .map(|entry| {
            let change = &entry["changes"][0];
            (
                entry["account"]["portal"].as_str().unwrap().to_owned(),
                change["field"].as_str().unwrap().to_owned(),
                format!("{}->{}", change["old"], change["new"]).replace('"', ""),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            (
                "at".to_owned(),
                "status".to_owned(),
                "active->suspended".to_owned()
            ),
            (
                "lm".to_owned(),
                "status".to_owned(),
                "active->suspended".to_owned()
            ),
        ],
        "{entries:?}"
    );
    assert!(
        entries
            .iter()
            .all(|entry| entry["account"]["email"].as_str() == Some(email.as_str()))
    );
    let notes = text(&diff.stderr);
    assert!(notes.contains("portal `pp`: not compared"), "{notes}");
    assert!(notes.contains("0 added, 0 removed, 2 changed"), "{notes}");

    // Bad input: one line, exit 2, nothing written.
    let unknown = world.run(&["diff", "1", "99", "--store", &store]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("unknown snapshot #99"));
    let csv = world.dir.join("people.csv");
    std::fs::write(&csv, "email\njo@corp.example\n").unwrap();
    let csv_store = csv.display().to_string();
    let foreign = world.run(&["snapshot", "--store", &csv_store]).await;
    assert_eq!(foreign.status.code(), Some(2));
    assert!(text(&foreign.stderr).contains("not a review store"));
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        "email\njo@corp.example\n"
    );
}

/// The review cycle on a snapshot: start, decide every account (a CSV of decisions),
/// sign; a signed review refuses changes; `verify` finds it intact, and names the entry
/// once a decision is edited in the database behind portalctl's back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_is_decided_signed_frozen_and_verified() {
    let world = World::start("review", 2, 0).await;
    let store_path = world.dir.join("reviews.sqlite3");
    let store = store_path.display().to_string();
    let id = review_of_a_snapshot(&world, &store, "auditor@corp.example", &["lm", "at"]).await;

    // Nothing decided yet: signing is refused.
    let early = world.run(&["review", "sign", &id, "--store", &store]).await;
    assert_eq!(early.status.code(), Some(2));
    assert!(
        text(&early.stderr).contains("undecided"),
        "{}",
        text(&early.stderr)
    );

    let (accounts, revoked) = decide_everything(&world, &store, &id).await;
    assert_eq!(accounts, world.lm.user_count() + world.at.members().len());
    assert!(revoked > 0, "the sandboxes seed suspended accounts");

    apply_revocations(&world, &store, &id, revoked).await;

    let signed = world.run(&["review", "sign", &id, "--store", &store]).await;
    assert_eq!(signed.status.code(), Some(0), "{}", text(&signed.stderr));
    let head = text(&signed.stdout).trim().to_owned();
    assert_eq!(head.len(), 64);

    let again = world
        .run(&[
            "review",
            "decide",
            &id,
            "--store",
            &store,
            "--account",
            "lm/1",
            "--verdict",
            "keep",
        ])
        .await;
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("is signed"),
        "{}",
        text(&again.stderr)
    );
    let twice = world.run(&["review", "sign", &id, "--store", &store]).await;
    assert_eq!(twice.status.code(), Some(2));
    let sent = world.servers[3].journal().entries().len();
    let late = world
        .run(&["review", "apply", &id, "--store", &store, "--apply"])
        .await;
    assert_eq!(late.status.code(), Some(2), "{}", text(&late.stderr));
    assert!(text(&late.stderr).contains("is signed"));
    assert_eq!(
        world.servers[3].journal().entries().len(),
        sent,
        "nothing sent to LogicMonitor for a signed review"
    );

    let verified = world
        .run(&["review", "verify", &id, "--store", &store])
        .await;
    assert_eq!(verified.status.code(), Some(0));
    let entries = accounts + revoked + 2;
    assert!(text(&verified.stdout).contains(&format!("intact: {entries} entries, head {head}")));

    // Someone edits the exception's reason in the database: verify names the entry.
    let conn = rusqlite::Connection::open(&store_path).unwrap();
    let edited = conn
        .execute(
            "UPDATE decisions SET reason = 'approved' WHERE verdict = 'exception'",
            [],
        )
        .unwrap();
    assert_eq!(edited, 1);
    drop(conn);
    let tampered = world
        .run(&["review", "verify", &id, "--store", &store])
        .await;
    assert_eq!(tampered.status.code(), Some(1));
    assert!(
        text(&tampered.stdout).contains("broken at entry 2 (decided)"),
        "{}",
        text(&tampered.stdout)
    );

    let unknown = world
        .run(&["review", "show", "99", "--store", &store])
        .await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("unknown review #99"));
}

/// Decides every account of review `id` through a CSV of decisions (the first an
/// exception, the suspended revoked, the rest kept); returns how many, and how many
/// were revoked.
async fn decide_everything(world: &World, store: &str, id: &str) -> (usize, usize) {
    use std::fmt::Write as _;
    let shown = world
        .run(&["review", "show", id, "--store", store, "--format", "csv"])
        .await;
    assert_eq!(shown.status.code(), Some(0), "{}", text(&shown.stderr));
    let mut decisions = String::from("account,verdict,reason,expires\n");
    let (mut accounts, mut revoked) = (0, 0);
    for line in text(&shown.stdout).lines().skip(1) {
        let columns: Vec<&str> = line.split(',').collect();
        let (account, status) = (columns[0], columns[2]);
        let decision = match (accounts, status) {
            (0, _) => "exception,break-glass account,2099-12-31",
            (_, "suspended") => {
                revoked += 1;
                "revoke,suspended and unused,"
            }
            _ => "keep,,",
        };
        writeln!(decisions, "{account},{decision}").unwrap();
        accounts += 1;
    }
    let file = world.dir.join("decisions.csv");
    std::fs::write(&file, &decisions).unwrap();
    let missing = world
        .run(&["review", "decide", id, "--store", store, "--from"])
        .await;
    assert_eq!(missing.status.code(), Some(2), "--from needs a file");
    let decided = world
        .run(&[
            "review",
            "decide",
            id,
            "--store",
            store,
            "--from",
            &file.display().to_string(),
        ])
        .await;
    assert_eq!(decided.status.code(), Some(0), "{}", text(&decided.stderr));
    (accounts, revoked)
}

/// Carries out review `id`'s `revoked` revocations: planned, then done and linked to
/// their decisions, once.
async fn apply_revocations(world: &World, store: &str, id: &str, revoked: usize) {
    let plan = world.run(&["review", "apply", id, "--store", store]).await;
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan.stderr));
    let planned = text(&plan.stdout);
    assert_eq!(
        planned.matches("access review: decided revoke").count(),
        revoked,
        "{planned}"
    );
    let applied = world
        .run(&["review", "apply", id, "--store", store, "--apply"])
        .await;
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied.stderr));
    assert!(text(&applied.stdout).contains(&format!("Applied {revoked} of {revoked} actions")));
    let again = world
        .run(&["review", "apply", id, "--store", store, "--apply"])
        .await;
    assert!(
        text(&again.stdout).contains("Nothing to change."),
        "{}",
        text(&again.stdout)
    );
    let shown = world
        .run(&["review", "show", id, "--store", store, "--format", "json"])
        .await;
    let shown: Vec<Value> = serde_json::from_slice(&shown.stdout).unwrap();
    let linked = shown
        .iter()
        .filter(|row| row["decision"]["applied"]["reference"].is_string())
        .count();
    assert_eq!(linked, revoked);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactivate_undoes_an_offboarding_where_the_vendor_can() {
    let world = World::start("reactivate", 2, 0).await;
    let email = everywhere(&world);
    let lm_statuses = |world: &World| -> Vec<String> {
        lm_ids(&world.lm)
            .into_iter()
            .filter_map(|id| world.lm.user(id))
            .filter(|user| user["email"].as_str().map(str::to_lowercase) == Some(email.clone()))
            .map(|user| user["status"].as_str().unwrap().to_owned())
            .collect()
    };
    let offboarded = world.run(&["offboard", &email, "--apply"]).await;
    assert_eq!(
        offboarded.status.code(),
        Some(0),
        "{}",
        text(&offboarded.stderr)
    );
    assert!(world.at.member_by_email(&email).unwrap().suspended);
    assert!(
        lm_statuses(&world)
            .iter()
            .all(|status| status == "suspended")
    );

    let dry = world.run(&["reactivate", &email]).await;
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let plan = text(&dry.stdout);
    assert!(plan.contains("reactivate"), "{plan}");
    assert!(
        plan.contains(
            "pp: not done: partner-portal's API does not offer suspend, so there is no suspension to undo"
        ),
        "{plan}"
    );
    assert!(
        world.at.member_by_email(&email).unwrap().suspended,
        "dry run"
    );

    let applied = world.run(&["reactivate", &email, "--apply"]).await;
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied.stderr));
    assert!(!world.at.member_by_email(&email).unwrap().suspended);
    let statuses = lm_statuses(&world);
    assert!(!statuses.is_empty() && statuses.iter().all(|status| status == "active"));
    assert_eq!(
        journaled(&world, "at"),
        [
            ("suspend".to_owned(), "started".to_owned()),
            ("suspend".to_owned(), "done".to_owned()),
            ("reactivate".to_owned(), "started".to_owned()),
            ("reactivate".to_owned(), "done".to_owned()),
        ]
    );

    let again = world.run(&["reactivate", &email, "--apply"]).await;
    assert_eq!(again.status.code(), Some(0));
    assert!(text(&again.stdout).starts_with("Nothing to change."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reactivate_restores_the_groups_a_move_took_away_from_the_journal_or_a_snapshot() {
    let world = World::start("restore-groups", 2, 0).await;
    let store = world.dir.join("reviews.sqlite3").display().to_string();
    let taken = world.run(&["snapshot", "--store", &store]).await;
    assert_eq!(taken.status.code(), Some(0), "{}", text(&taken.stderr));
    let idle_with_groups: Vec<(i32, String, Vec<i32>)> = lm_ids(&world.lm)
        .into_iter()
        .map(|id| (id, world.lm.user(id).unwrap()))
        .filter(|(_, user)| {
            user["status"] == "active"
                && user["apionly"] != true
                && user["lastLoginOn"].as_i64().unwrap_or(0) == 0
        })
        .filter_map(|(id, user)| {
            let email = user["email"].as_str()?.to_lowercase();
            let groups = world.lm.user_group_ids(id)?;
            (!groups.is_empty()).then_some((id, email, groups))
        })
        .collect();
    let [
        (first, first_email, first_groups),
        (second, second_email, second_groups),
        ..,
    ] = &idle_with_groups[..]
    else {
        panic!("the sandbox has two never-logged-in users in groups: {idle_with_groups:?}");
    };
    let moved = world
        .run(&[
            "suspend-inactive",
            "--days",
            "90",
            "--group",
            "Suspended",
            "--apply",
        ])
        .await;
    assert_eq!(moved.status.code(), Some(0), "{}", text(&moved.stderr));
    assert_ne!(&world.lm.user_group_ids(*first).unwrap(), first_groups);

    assert_reactivated(
        &world,
        &[first_email],
        "per the journal",
        *first,
        first_groups,
    )
    .await;
    // Without the journal, the snapshot taken before the move tells the groups.
    std::fs::remove_file(world.journal()).unwrap();
    let args = [second_email.as_str(), "--store", &store];
    assert_reactivated(&world, &args, "per snapshot 1", *second, second_groups).await;

    let again = world
        .run(&["reactivate", second_email.as_str(), "--store", &store])
        .await;
    assert!(
        text(&again.stdout).starts_with("Nothing to change."),
        "{}",
        text(&again.stdout)
    );
}

/// Runs `reactivate ARGS --apply`; it must restore groups per `source`, leaving LogicMonitor
/// user `id` active in exactly `groups`.
async fn assert_reactivated(world: &World, args: &[&str], source: &str, id: i32, groups: &[i32]) {
    let mut full = vec!["reactivate", "--apply"];
    full.extend(args);
    let out = world.run(&full).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(source), "{}", text(&out.stdout));
    assert_eq!(world.lm.user(id).unwrap()["status"], "active");
    let mut restored = world.lm.user_group_ids(id).unwrap();
    let mut expected = groups.to_vec();
    restored.sort_unstable();
    expected.sort_unstable();
    assert_eq!(restored, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_finds_orphans_leavers_and_aliases_and_offboards_the_leavers() {
    let world = World::start("reconcile", 2, 0).await;
    let leaver = everywhere(&world);
    let emails = every_email(&world);
    let orphan = world
        .at
        .members()
        .into_iter()
        .map(|member| member.email.to_lowercase())
        .find(|email| *email != leaver)
        .unwrap();
    let alias = emails
        .iter()
        .find(|email| **email != leaver && **email != orphan)
        .unwrap()
        .clone();
    let path = write_roster(&world, &emails, [&leaver, &orphan, &alias]);
    let args = |apply: bool| {
        let mut args = vec![
            "--format",
            "csv",
            "reconcile",
            "--roster",
            &path,
            "--email-column",
            "Work Email",
            "--status-column",
            "Employment",
            "--end-date-column",
            "Last Day",
            "--left-values",
            "terminated,retired",
        ];
        if apply {
            args.push("--apply");
        }
        args
    };

    let dry = world.run(&args(false)).await;
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry.stderr));
    let out = text(&dry.stdout);
    assert!(
        out.starts_with("kind,portal,account,roster,status\n"),
        "{out}"
    );
    assert!(out.contains(&format!("\norphan,at,{orphan},,")), "{out}");
    assert!(
        out.contains("\nalias,") && out.contains(&alias.to_uppercase()),
        "{out}"
    );
    for portal in ["at", "pp", "lm"] {
        assert!(
            out.contains(&format!("\nleaver,{portal},{leaver},")),
            "{portal}: {out}"
        );
    }
    assert!(
        out.lines().all(|line| line.split(',').count() == 5),
        "stdout holds the findings only: {out}"
    );
    assert!(
        text(&dry.stderr).contains("left per roster line"),
        "the plan goes to stderr: {}",
        text(&dry.stderr)
    );
    let mut json_args = args(false);
    json_args[1] = "json";
    assert_reconcile_json_plans_the_leaver(&world.run(&json_args).await, &leaver);
    assert!(
        !world.at.member_by_email(&leaver).unwrap().suspended,
        "dry run"
    );

    let applied = world.run(&args(true)).await;
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied.stderr));
    assert!(world.at.member_by_email(&leaver).unwrap().suspended);
    assert!(
        world
            .pp
            .user_by_email(world.pp.portal_id(), &leaver)
            .is_none()
    );
    assert!(
        world
            .at
            .member_by_email(&orphan)
            .is_none_or(|member| !member.suspended)
    );

    let again = world.run(&args(true)).await;
    let out = text(&again.stdout);
    assert!(!out.contains("\nleaver,"), "{out}");
    assert!(text(&again.stderr).contains("Nothing to change."), "{out}");
}

/// Writes an HR roster of `emails` without the orphan, marking the leaver as terminated
/// and the alias upper-cased; returns its path.
fn write_roster(world: &World, emails: &[String], [leaver, orphan, alias]: [&String; 3]) -> String {
    let roster: String = std::iter::once("Name,Work Email,Employment,Last Day".to_owned())
        .chain(
            emails
                .iter()
                .filter(|email| *email != orphan)
                .map(|email| match email {
                    email if email == leaver => format!("Someone,{email},Terminated,"),
                    email if email == alias => format!("Someone,{},Active,", email.to_uppercase()),
                    email => format!("Someone,{email},Active,"),
                }),
        )
        .map(|line| line + "\n")
        .collect();
    let path = world.dir.join("people.csv");
    std::fs::write(&path, roster).unwrap();
    path.display().to_string()
}

/// `reconcile --format json`'s stdout is one document: the leaver's three findings and
/// a plan offboarding them on each portal.
fn assert_reconcile_json_plans_the_leaver(json: &std::process::Output, leaver: &str) {
    let document: serde_json::Value = serde_json::from_slice(&json.stdout)
        .unwrap_or_else(|error| panic!("one JSON document: {error}: {}", text(&json.stdout)));
    let leavers = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["kind"] == "leaver" && finding["account"] == leaver)
        .count();
    assert_eq!(leavers, 3, "{document}");
    let planned: Vec<(&str, &str)> = document["plan"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| {
            (
                step["portal"].as_str().unwrap(),
                step["user"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        planned,
        [("at", leaver), ("pp", leaver), ("lm", leaver)],
        "{document}"
    );
}

/// Every address in the three listable sandboxes, lower-cased, sorted, once each.
fn every_email(world: &World) -> Vec<String> {
    let mut emails: Vec<String> = world
        .at
        .members()
        .into_iter()
        .map(|member| member.email.to_lowercase())
        .chain(
            lm_ids(&world.lm)
                .into_iter()
                .filter_map(|id| world.lm.user(id)?["email"].as_str().map(str::to_lowercase)),
        )
        .chain(
            world
                .pp
                .users(world.pp.portal_id())
                .into_iter()
                .map(|user| user.email.to_lowercase()),
        )
        .filter(|email| !email.is_empty())
        .collect();
    emails.sort();
    emails.dedup();
    emails
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_roster_row_is_refused_naming_line_and_column_before_anything_is_sent() {
    let world = World::start("reconcile-bad", 2, 0).await;
    let path = world.dir.join("people.csv");
    std::fs::write(
        &path,
        "Name,Work Email,Last Day\n# staff\n\nJane,jane@corp.example,soon\n",
    )
    .unwrap();
    let path = path.display().to_string();

    let refused = world
        .run(&[
            "reconcile",
            "--roster",
            &path,
            "--end-date-column",
            "Last Day",
            "--email-column",
            "Work Email",
            "--apply",
        ])
        .await;

    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        text(&refused.stderr).trim(),
        format!(
            "error: --roster `{path}`: line 4, column `Last Day`: `soon` is not a date (YYYY-MM-DD)"
        )
    );
    assert_eq!(world.requests(), 0, "nothing was sent");
    assert!(!world.journal().exists());
}

/// LogicMonitor says who created each account (`createdBy`): a reviewer who created
/// accounts in the review's scope can not sign it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_who_created_accounts_in_scope_can_not_sign() {
    let world = World::start("review-provisioner", 2, 0).await;
    let store = world.dir.join("reviews.sqlite3").display().to_string();
    let id = review_of_a_snapshot(&world, &store, "Chief Admin", &["lm"]).await;
    decide_everything(&world, &store, &id).await;

    let sign = world.run(&["review", "sign", &id, "--store", &store]).await;

    assert_eq!(sign.status.code(), Some(2));
    let stderr = text(&sign.stderr);
    assert!(
        stderr.contains("reviewer \"Chief Admin\" provisioned"),
        "{stderr}"
    );
}

/// Takes a snapshot into `store` and opens a review of it by `reviewer` over `portals`;
/// returns the review's id.
async fn review_of_a_snapshot(
    world: &World,
    store: &str,
    reviewer: &str,
    portals: &[&str],
) -> String {
    let snapshot = world.run(&["snapshot", "--store", store]).await;
    assert_eq!(
        snapshot.status.code(),
        Some(0),
        "{}",
        text(&snapshot.stderr)
    );
    let mut args = vec!["review", "start", "--store", store, "--reviewer", reviewer];
    for portal in portals {
        args.extend(["--portal", portal]);
    }
    let start = world.run(&args).await;
    assert_eq!(start.status.code(), Some(0), "{}", text(&start.stderr));
    text(&start.stdout).trim().to_owned()
}
