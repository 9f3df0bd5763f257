//! `reactivate EMAIL` or `reactivate --from FILE`: undo suspensions where the vendor can
//! (LogicMonitor: status back to active; Allthenticate: unsuspend, refused when the
//! member's state is unknown). A portal whose vendor offers no suspension has none to
//! undo, and says so.
//!
//! Where a move to a group (`suspend-inactive --group`, a policy's `move-to-group`,
//! `groups move`) took the account out of its groups, they are restored: from the
//! journal, which records the groups each move left, or else, for a suspended account,
//! from the newest snapshot in the review store in which it was active.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use review_store::{AccountKey, Store};

use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::journal::{Entry, Outcome};
use crate::plan::{Action, Plan, Step};
use crate::portal::{Operation, unsupported};
use crate::record::{UserRecord, UserStatus};
use crate::runner::Runner;
use crate::store;

/// Plans and (with `--apply`) carries out the reactivation of `people` (lower-cased);
/// the review store at `store_path`, when there is one, tells earlier groups.
pub async fn run(runner: &Runner<'_>, people: &[String], store_path: &Path) -> Result<Done, Stop> {
    let gathered = runner.gather(None).await;
    let mut history = GroupHistory::from_journal(&runner.journal_entries());
    if store_path.is_file() {
        let store = store::open_existing(store_path)?;
        history
            .add_snapshots(&store, people, &gathered.listed)
            .map_err(|error| store::stop(store_path, &error))?;
    }
    let plan = plan(
        people,
        &runner.directory().portals,
        &gathered.listed,
        &history,
    );
    runner
        .carry_out(&plan)
        .await
        .map(|done| done.and(gathered.done()))
}

/// The groups accounts were in before a move took them out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupHistory {
    /// By (portal, account as journaled): the groups the last finished move left, or
    /// `None` when they were restored since (or the move left none).
    journal: HashMap<(String, String), Option<Vec<String>>>,
    /// By (portal, vendor id): the groups in the newest snapshot where the account was
    /// active, with that snapshot's id.
    snapshots: HashMap<(String, String), (Vec<String>, i64)>,
}

impl GroupHistory {
    /// What the journal's finished group moves and restores say, the last one per account.
    pub fn from_journal(entries: &[Entry]) -> Self {
        let mut journal = HashMap::new();
        for entry in entries
            .iter()
            .filter(|entry| entry.outcome == Outcome::Done)
        {
            let before = match (&entry.action, &entry.undo) {
                (Action::MoveToGroup(_), Some(Action::RestoreGroups(groups))) => {
                    Some(groups.clone())
                }
                (Action::MoveToGroup(_) | Action::RestoreGroups(_), _) => None,
                _ => continue,
            };
            journal.insert((entry.portal.clone(), entry.user.clone()), before);
        }
        Self {
            journal,
            snapshots: HashMap::new(),
        }
    }

    /// Adds, for each suspended account of `people` in the `listed` portals that can move
    /// groups and that the journal knows nothing of, its groups in the newest snapshot of
    /// `store` where it was active.
    pub fn add_snapshots(
        &mut self,
        store: &Store,
        people: &[String],
        listed: &[(&Connected, Vec<UserRecord>)],
    ) -> review_store::Result<()> {
        let snapshots = store.snapshots()?;
        for (portal, user, _) in accounts_of(people, listed, Operation::Groups) {
            if user.status != UserStatus::Suspended
                || self.journal.contains_key(&journaled(portal, user))
            {
                continue;
            }
            let key = AccountKey::new(portal.name.clone(), user.tenant.as_deref(), user.id.clone());
            for snapshot in snapshots.iter().rev() {
                let Some(account) = store.account(snapshot.id, &key)? else {
                    continue;
                };
                if account.status == UserStatus::Active.as_str() {
                    if !account.groups.is_empty() {
                        self.snapshots.insert(
                            (portal.name.clone(), user.id.clone()),
                            (account.groups, snapshot.id.0),
                        );
                    }
                    break;
                }
            }
        }
        Ok(())
    }

    /// The groups to restore `user` of `portal` to, and where they are recorded.
    fn restore(&self, portal: &Connected, user: &UserRecord) -> Option<(Vec<String>, String)> {
        match self.journal.get(&journaled(portal, user)) {
            Some(groups) => groups
                .clone()
                .map(|groups| (groups, "the journal".to_owned())),
            None if user.status == UserStatus::Suspended => self
                .snapshots
                .get(&(portal.name.clone(), user.id.clone()))
                .map(|(groups, snapshot)| (groups.clone(), format!("snapshot {snapshot}"))),
            None => None,
        }
    }
}

/// (portal, account) as the journal names it: the email, or the id without one.
fn journaled(portal: &Connected, user: &UserRecord) -> (String, String) {
    (
        portal.name.clone(),
        user.email.clone().unwrap_or_else(|| user.id.clone()),
    )
}

/// The accounts of `people` in the `listed` portals that offer `operation`, in listing
/// order, each with its address.
fn accounts_of<'a>(
    people: &'a [String],
    listed: &'a [(&'a Connected, Vec<UserRecord>)],
    operation: Operation,
) -> impl Iterator<Item = (&'a Connected, &'a UserRecord, &'a str)> {
    let wanted: HashSet<&str> = people.iter().map(String::as_str).collect();
    listed
        .iter()
        .filter(move |(portal, _)| portal.supports(operation))
        .flat_map(|(portal, users)| users.iter().map(move |user| (*portal, user)))
        .filter_map(move |(portal, user)| {
            let email = user
                .email
                .as_deref()
                .filter(|email| wanted.contains(email))?;
            Some((portal, user, email))
        })
}

/// The steps reactivating every suspended account of `people` in the `listed` portals,
/// portal by portal, each followed by restoring the groups `history` knows it left;
/// `portals` (all configured) that can not suspend are skipped with the reason.
pub fn plan(
    people: &[String],
    portals: &[Connected],
    listed: &[(&Connected, Vec<UserRecord>)],
    history: &GroupHistory,
) -> Plan {
    let mut plan = Plan::default();
    for portal in portals {
        if !portal.supports(Operation::Suspend) {
            plan.skipped.push((
                portal.name.clone(),
                format!(
                    "{}, so there is no suspension to undo",
                    unsupported(portal.vendor(), Operation::Suspend)
                ),
            ));
        }
    }
    for (portal, user, email) in accounts_of(people, listed, Operation::Suspend) {
        let step = |action, why: String| Step {
            portal: portal.name.clone(),
            user: email.to_owned(),
            target: user.id.clone(),
            action,
            why,
            undo: None,
        };
        if user.status == UserStatus::Suspended {
            plan.steps
                .push(step(Action::Reactivate, "undoing a suspension".to_owned()));
        }
        if !portal.supports(Operation::Groups) {
            continue;
        }
        if let Some((groups, source)) = history.restore(portal, user)
            && !same_groups(&groups, &user.groups)
        {
            plan.steps.push(step(
                Action::RestoreGroups(groups),
                format!("its groups before the move, per {source}"),
            ));
        }
    }
    plan
}

/// Whether two lists name the same groups, in any order.
fn same_groups(a: &[String], b: &[String]) -> bool {
    a.iter().collect::<HashSet<_>>() == b.iter().collect::<HashSet<_>>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::tests::{now, user};

    #[test]
    fn reactivates_only_suspended_accounts_where_the_vendor_suspends() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let jane = |portal: &str, id: &str, status| UserRecord {
            email: Some("jane@corp.example".into()),
            status,
            ..user(portal, id)
        };
        let listed = vec![
            (
                portal("at"),
                vec![
                    jane("at", "a1", UserStatus::Suspended),
                    UserRecord {
                        status: UserStatus::Suspended,
                        ..user("at", "other")
                    },
                ],
            ),
            (portal("pp"), vec![jane("pp", "p1", UserStatus::Active)]),
            (
                portal("lm"),
                vec![
                    jane("lm", "7", UserStatus::Active),
                    jane("lm", "8", UserStatus::Suspended),
                ],
            ),
        ];

        let plan = plan(
            &["jane@corp.example".into()],
            &directory.portals,
            &listed,
            &GroupHistory::default(),
        );

        let steps = plan.step_targets();
        assert_eq!(
            steps,
            [
                ("at", "a1", Action::Reactivate),
                ("lm", "8", Action::Reactivate)
            ]
        );
        let skipped: Vec<_> = plan.skipped.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(skipped, ["tl", "pp"]);
        assert_eq!(
            plan.skipped[1].1,
            "partner-portal's API does not offer suspend, so there is no suspension to undo"
        );
    }

    #[test]
    fn restores_the_groups_of_the_last_move_unless_restored_since() {
        let directory = four();
        let lm = directory.get("lm").unwrap();
        let moved = |email: &str, groups: &[&str]| Entry {
            time: now(),
            portal: "lm".into(),
            user: email.into(),
            action: Action::MoveToGroup("Suspended".into()),
            undo: Action::undoing_move(
                &groups
                    .iter()
                    .map(|name| (*name).to_owned())
                    .collect::<Vec<_>>(),
                "Suspended",
            ),
            outcome: Outcome::Done,
            detail: None,
        };
        let restored = |email: &str| Entry {
            action: Action::RestoreGroups(vec!["Ops".into()]),
            undo: None,
            ..moved(email, &[])
        };
        let history = GroupHistory::from_journal(&[
            moved("ann@corp.example", &["Ops", "Night Shift"]),
            moved("bob@corp.example", &["Ops"]),
            restored("bob@corp.example"),
            Entry {
                outcome: Outcome::Started,
                ..moved("cy@corp.example", &["Ops"])
            },
        ]);
        let in_suspended = |id: &str, email: &str| UserRecord {
            email: Some(email.into()),
            status: UserStatus::Suspended,
            groups: vec!["Suspended".into()],
            ..user("lm", id)
        };
        let listed = vec![(
            lm,
            vec![
                in_suspended("1", "ann@corp.example"),
                in_suspended("2", "bob@corp.example"),
                in_suspended("3", "cy@corp.example"),
            ],
        )];
        let people = ["ann@corp.example", "bob@corp.example", "cy@corp.example"].map(str::to_owned);

        let plan = plan(&people, &directory.portals, &listed, &history);

        let steps: Vec<_> = plan
            .steps
            .iter()
            .map(|step| (step.target.as_str(), step.action.to_string()))
            .collect();
        assert_eq!(
            steps,
            [
                ("1", "reactivate".to_owned()),
                ("1", r#"restore groups ["Ops","Night Shift"]"#.to_owned()),
                ("2", "reactivate".to_owned()),
                ("3", "reactivate".to_owned()),
            ],
            "bob's groups were restored since; cy's move never finished"
        );
        assert_eq!(
            r#"restore groups ["Ops","Night Shift"]"#.parse::<Action>().unwrap(),
            plan.steps[1].action,
            "the label reads back"
        );
    }
}
