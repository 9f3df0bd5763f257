//! Every sandbox under load: 32 concurrent clients doing mixed creates, updates and
//! deletes, then the simulator's state must equal the sum of the acknowledged operations:
//! no lost update, no duplicate id, no lost or extra record, no panic.
//!
//! Each task works on records it owns (its own creations, and for updates and deletes a
//! share of the seeded records), so the expected final state is exact. By default (CI)
//! each task stops after 1 s or [`CI_MAX_OPS`] operations, whichever comes first; with
//! `PORTAL_LOAD_MS` set (the 30 s soak is `PORTAL_LOAD_MS=30000`) it runs for that long,
//! without a cap. Each test prints how many operations its clients completed. No fault
//! is injected, so every operation must succeed.
//!
//! What each vendor offers: ThreatLocker only invites (plus reads), Whaly creates and
//! deletes, Allthenticate invites, updates (computer usernames) and deletes, LogicMonitor
//! creates, updates (note) and deletes.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use core_http::SecretString;
use core_http::clock::ManualClock;
use tokio::task::JoinSet;

const TASKS: usize = 32;
/// Operations per task at most in the default (CI) run.
const CI_MAX_OPS: usize = 200;

/// How long each task runs and how many operations it may do at most.
fn limits() -> (Duration, usize) {
    static LIMITS: OnceLock<(Duration, usize)> = OnceLock::new();
    *LIMITS.get_or_init(|| {
        match std::env::var("PORTAL_LOAD_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            Some(ms) => (Duration::from_millis(ms), usize::MAX),
            None => (Duration::from_secs(1), CI_MAX_OPS),
        }
    })
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// A tiny deterministic generator for choosing operations (xorshift).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

/// One task's share of the load: when to stop, and the count of operations done by all.
#[derive(Clone)]
struct Load {
    deadline: Instant,
    ops: Arc<AtomicUsize>,
}

impl Load {
    /// Whether the task may start another operation, having done `done` (counted here).
    fn more(&self, done: usize) -> bool {
        if done > 0 {
            self.ops.fetch_add(1, Ordering::Relaxed);
        }
        done < limits().1 && Instant::now() < self.deadline
    }
}

/// Runs `TASKS` copies of `task` (each given its index) against the `vendor`'s sandbox,
/// prints how many operations they completed, and returns their results, failing on
/// any panic.
async fn run_tasks<T, F, Fut>(vendor: &str, task: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize, Load) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let started = Instant::now();
    let load = Load {
        deadline: started + limits().0,
        ops: Arc::new(AtomicUsize::new(0)),
    };
    let mut set = JoinSet::new();
    for index in 0..TASKS {
        set.spawn(task(index, load.clone()));
    }
    let mut results = Vec::new();
    while let Some(joined) = set.join_next().await {
        results.push(joined.expect("a load task panicked"));
    }
    println!(
        "{vendor}: {} operations by {TASKS} clients in {:.1} s",
        load.ops.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threatlocker_invites_under_load() {
    use portal_sandbox::threatlocker::ThreatLockerSim;
    use threatlocker_client::Client;

    let portal = ThreatLockerSim::builder().seed(31).children(4).build();
    let sandbox = portal.serve().await.unwrap();
    let children = portal.child_ids();
    let before: usize = children.iter().map(|c| portal.users_of(*c).len()).sum();
    let roles: HashMap<_, _> = children
        .iter()
        .map(|c| (*c, portal.roles_of(*c)[0].id))
        .collect();
    let results = run_tasks("threatlocker", |index, load| {
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .token(portal.token())
            .build()
            .unwrap();
        let (children, roles) = (children.clone(), roles.clone());
        async move {
            let mut dice = Dice(index as u64 + 1);
            let mut invited = Vec::new();
            let mut done = 0;
            while load.more(done) {
                let child = children[usize::try_from(dice.roll(children.len() as u64)).unwrap()];
                let scoped = client.organization(child);
                if dice.roll(4) == 0 {
                    scoped.roles().list().send().await.unwrap();
                } else {
                    let email = format!("load.{index}.{done}@example.com");
                    let invitation = scoped
                        .users()
                        .invite(&email)
                        .role(child, roles[&child])
                        .send()
                        .await
                        .unwrap();
                    invited.push((child, email, invitation.user_id()));
                }
                done += 1;
            }
            invited
        }
    })
    .await;
    let invited: Vec<_> = results.into_iter().flatten().collect();
    let after: Vec<_> = children.iter().flat_map(|c| portal.users_of(*c)).collect();
    assert_eq!(
        after.len(),
        before + invited.len(),
        "one user per acknowledged invite"
    );
    let ids: HashSet<_> = after.iter().map(|u| u.id).collect();
    assert_eq!(ids.len(), after.len(), "duplicate user ids");
    for (child, email, id) in &invited {
        let user = after
            .iter()
            .find(|u| &u.username == email)
            .unwrap_or_else(|| panic!("{email} lost"));
        assert_eq!(user.organization_id, *child);
        if let Some(id) = id {
            assert_eq!(user.id, *id);
        }
    }
    assert!(!invited.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::too_many_lines)] // setup, load and the final accounting in one place
async fn allthenticate_under_load() {
    use allthenticate_client::{Client, EmailId};
    use portal_sandbox::allthenticate::AllthenticateSim;

    let per_task = 3;
    let sim = AllthenticateSim::builder()
        .seed(32)
        .users(TASKS * per_task)
        .pending_invites(0)
        .build();
    let sandbox = sim.serve().await.unwrap();
    let members: Vec<u64> = sim
        .members()
        .iter()
        .filter(|m| m.tag == "USER")
        .map(|m| m.email_id)
        .collect();
    assert!(members.len() >= TASKS * per_task);
    let before = sim.members().len();
    let results = run_tasks("allthenticate", |index, load| {
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(SecretString::from(sim.api_key().to_owned()))
            .build()
            .unwrap();
        let owned: Vec<u64> = members[index * per_task..(index + 1) * per_task].to_vec();
        async move {
            let mut dice = Dice(index as u64 + 7);
            let mut live: Vec<u64> = owned;
            let mut names: HashMap<u64, String> = HashMap::new();
            let mut deleted = Vec::new();
            let mut invited = Vec::new();
            let mut done = 0;
            while load.more(done) {
                match dice.roll(10) {
                    0 if !live.is_empty() => {
                        let id = live.remove(0);
                        client
                            .users()
                            .delete()
                            .email_id(EmailId::new(id))
                            .send()
                            .await
                            .unwrap();
                        names.remove(&id);
                        deleted.push(id);
                    }
                    1..=4 if !live.is_empty() => {
                        let id = live[usize::try_from(dice.roll(live.len() as u64)).unwrap()];
                        let name = format!("ws-{index}-{done}");
                        client
                            .users()
                            .set_computer_usernames(EmailId::new(id), [name.clone()])
                            .await
                            .unwrap();
                        names.insert(id, name);
                    }
                    _ => {
                        let email = format!("load.{index}.{done}@example.com");
                        client
                            .invites()
                            .invite([email.clone()])
                            .send()
                            .await
                            .unwrap();
                        invited.push(email);
                    }
                }
                done += 1;
            }
            (names, deleted, invited)
        }
    })
    .await;
    let mut deletes = 0;
    let mut invites = Vec::new();
    for (names, deleted, invited) in results {
        for (id, name) in names {
            let member = sim.member(id).unwrap_or_else(|| panic!("member {id} lost"));
            assert_eq!(member.computer_usernames, [name], "lost update on {id}");
        }
        for id in &deleted {
            assert!(sim.member(*id).is_none(), "deleted member {id} is back");
        }
        deletes += deleted.len();
        invites.extend(invited);
    }
    assert_eq!(sim.members().len(), before - deletes);
    let pending: Vec<String> = sim.pending_invites().into_iter().map(|i| i.email).collect();
    let unique: HashSet<_> = pending.iter().collect();
    assert_eq!(unique.len(), pending.len(), "duplicate invites");
    assert_eq!(
        pending.len(),
        invites.len(),
        "one pending invite per acknowledged invite"
    );
    assert!(invites.iter().all(|email| unique.contains(email)));
    let ids: HashSet<_> = sim.members().iter().map(|m| m.email_id).collect();
    assert_eq!(ids.len(), sim.members().len(), "duplicate member ids");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whaly_under_load() {
    use partner_portal_client::{Client, NewUser};
    use portal_sandbox::partner_portal::PartnerPortalSim;

    let sim = PartnerPortalSim::builder()
        .seed(33)
        .users(40)
        .quota_per_minute(10_000_000)
        .build();
    let sandbox = sim.serve().await.unwrap();
    let portal_id = sim.portal_id().to_owned();
    let before: HashSet<String> = sim.users(&portal_id).into_iter().map(|u| u.id).collect();
    let role = sim.roles()[0].id.clone();
    let results = run_tasks("partner-portal", |index, load| {
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(SecretString::from(sim.api_key()))
            .build()
            .unwrap();
        let (portal_id, role) = (portal_id.clone(), role.clone());
        async move {
            let portal = client.portal(&portal_id);
            let mut dice = Dice(index as u64 + 13);
            let mut live = Vec::new();
            let mut deleted = Vec::new();
            let mut done = 0;
            while load.more(done) {
                if !live.is_empty() && dice.roll(3) == 0 {
                    let id: String = live.swap_remove(0);
                    assert!(portal.delete_user(&id).await.unwrap().is_deleted);
                    deleted.push(id);
                } else {
                    let email = format!("load.{index}.{done}@acme-partner.example");
                    let user = NewUser::new("Load", "Test", &email).role(role.clone());
                    let created = portal.create_user(&user).await.unwrap();
                    assert_eq!(created.email, email);
                    live.push(created.id);
                }
                done += 1;
            }
            (live, deleted)
        }
    })
    .await;
    let after: Vec<String> = sim.users(&portal_id).into_iter().map(|u| u.id).collect();
    let after_set: HashSet<&String> = after.iter().collect();
    assert_eq!(after_set.len(), after.len(), "duplicate user ids");
    let mut expected: HashSet<String> = before;
    for (live, deleted) in results {
        for id in live {
            assert!(expected.insert(id), "an id was handed out twice");
        }
        for id in deleted {
            assert!(!after_set.contains(&id), "deleted user {id} is back");
        }
    }
    assert_eq!(after.into_iter().collect::<HashSet<_>>(), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logicmonitor_under_load() {
    use logicmonitor_client::{AdminId, Client, NewUser, RoleId};
    use portal_sandbox::logicmonitor::LogicMonitorSim;

    let per_task = 2;
    let lm = LogicMonitorSim::builder()
        .seed(34)
        .users(TASKS * per_task + 4)
        .now(now())
        .build();
    let sandbox = lm.serve().await.unwrap();
    let before = lm.user_count();
    let results = run_tasks("logicmonitor", |index, load| {
        let client = Client::builder()
            .base_url(sandbox.url("/santaba/rest"))
            .lmv1(lm.access_id(), SecretString::from(lm.access_key()))
            .clock(Arc::new(ManualClock::new(now())))
            .build()
            .unwrap();
        // Seeded users 2.. (user 1 is the API user the credentials belong to).
        let owned: Vec<i32> = (0..per_task)
            .map(|k| i32::try_from(2 + index * per_task + k).unwrap())
            .collect();
        async move {
            let users = client.users();
            let mut dice = Dice(index as u64 + 17);
            let mut live = owned;
            let mut notes: HashMap<i32, String> = HashMap::new();
            let mut created = Vec::new();
            let mut deleted = Vec::new();
            let mut done = 0;
            while load.more(done) {
                match dice.roll(6) {
                    0 if !live.is_empty() => {
                        let id = live.swap_remove(0);
                        users.delete(AdminId(id)).await.unwrap();
                        notes.remove(&id);
                        deleted.push(id);
                    }
                    1 | 2 if !live.is_empty() => {
                        let id = live[usize::try_from(dice.roll(live.len() as u64)).unwrap()];
                        let note = format!("note {index}/{done}");
                        let admin = users.update(AdminId(id)).note(&note).send().await.unwrap();
                        assert_eq!(admin.note.as_deref(), Some(note.as_str()));
                        notes.insert(id, note);
                    }
                    _ => {
                        let name = format!("load.{index}.{done}");
                        let admin = users
                            .create(
                                NewUser::new(&name)
                                    .email(format!("{name}@example.com"))
                                    .role(RoleId(2)),
                            )
                            .await
                            .unwrap();
                        created.push(admin.id.0);
                        live.push(admin.id.0);
                    }
                }
                done += 1;
            }
            (notes, created, deleted)
        }
    })
    .await;
    let mut creates = 0;
    let mut deletes = 0;
    let mut ids = HashSet::new();
    for (notes, created, deleted) in results {
        for (id, note) in notes {
            let user = lm.user(id).unwrap_or_else(|| panic!("user {id} lost"));
            assert_eq!(user["note"], note.as_str(), "lost update on {id}");
        }
        for id in &created {
            assert!(ids.insert(*id), "id {id} handed out twice");
        }
        for id in &deleted {
            assert!(lm.user(*id).is_none(), "deleted user {id} is back");
        }
        creates += created.len();
        deletes += deleted.len();
    }
    assert_eq!(lm.user_count(), before + creates - deletes);
}
