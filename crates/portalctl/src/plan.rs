//! Changes as a plan of typed [`Action`]s: shown first, carried out only with `--apply`,
//! each step journaled before and after it runs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::str::FromStr;

use chrono::Utc;
use futures_util::future::try_join_all;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::exit::Done;
use crate::journal::{Entry, Journal, Outcome};
use crate::output::{Format, write_table};
use crate::portal::Operation;

/// A change to one account or group.
///
/// Its [`Display`](fmt::Display) form is the label shown in plans and written to the
/// journal (`suspend`, `move to group Suspended`, ...); [`FromStr`] reads a label back,
/// so journals written before actions were typed are understood unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// Suspend (reversible).
    Suspend,
    /// Undo a suspension.
    Reactivate,
    /// Delete.
    Delete,
    /// Make this group the user's only group.
    MoveToGroup(String),
    /// Make these groups the user's groups again (undoing a move; by name).
    RestoreGroups(Vec<String>),
    /// Create this group (the step's user is the group).
    CreateGroup(String),
    /// Delete this group (the step's user is the group).
    DeleteGroup(String),
    /// Invite the address (the step's target) with this role.
    Invite(String),
    /// Invite the address (the step's target) into one child organization, with the role
    /// of this name there.
    InviteInto {
        /// The role name, resolved in the organization.
        role: String,
        /// The child organization.
        organization: Uuid,
    },
}

impl Action {
    /// The operation a vendor must offer for this action.
    pub fn operation(&self) -> Operation {
        match self {
            Action::Suspend | Action::Reactivate => Operation::Suspend,
            Action::Delete => Operation::Delete,
            Action::MoveToGroup(_)
            | Action::RestoreGroups(_)
            | Action::CreateGroup(_)
            | Action::DeleteGroup(_) => Operation::Groups,
            Action::Invite(_) => Operation::Invite,
            Action::InviteInto { .. } => Operation::ChildOrganizations,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Suspend => f.write_str("suspend"),
            Action::Reactivate => f.write_str("reactivate"),
            Action::Delete => f.write_str("delete"),
            Action::MoveToGroup(group) => write!(f, "move to group {group}"),
            // The names as a JSON array, so that any name reads back.
            Action::RestoreGroups(groups) => write!(
                f,
                "restore groups {}",
                serde_json::to_string(groups).map_err(|_| fmt::Error)?
            ),
            Action::CreateGroup(group) => write!(f, "create group {group}"),
            Action::DeleteGroup(group) => write!(f, "delete group {group}"),
            Action::Invite(role) => write!(f, "invite as {role}"),
            Action::InviteInto { role, organization } => {
                write!(f, "invite as {role} into {organization}")
            }
        }
    }
}

/// A label that names no [`Action`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a portalctl action")]
pub struct UnknownAction(String);

impl FromStr for Action {
    type Err = UnknownAction;

    fn from_str(label: &str) -> Result<Self, Self::Err> {
        let prefixed = |prefix: &str| label.strip_prefix(prefix).map(str::to_owned);
        let action = match label {
            "suspend" => Some(Action::Suspend),
            "reactivate" => Some(Action::Reactivate),
            "delete" => Some(Action::Delete),
            _ => prefixed("move to group ")
                .map(Action::MoveToGroup)
                .or_else(|| {
                    prefixed("restore groups ")
                        .and_then(|names| serde_json::from_str(&names).ok())
                        .map(Action::RestoreGroups)
                })
                .or_else(|| prefixed("create group ").map(Action::CreateGroup))
                .or_else(|| prefixed("delete group ").map(Action::DeleteGroup))
                .or_else(|| prefixed("invite as ").map(invitation)),
        };
        action.ok_or_else(|| UnknownAction(label.to_owned()))
    }
}

/// `ROLE into GUID` as an invitation into that organization, anything else as a role.
fn invitation(rest: String) -> Action {
    match rest
        .rsplit_once(" into ")
        .and_then(|(role, organization)| Some((role, organization.parse().ok()?)))
    {
        Some((role, organization)) => Action::InviteInto {
            role: role.to_owned(),
            organization,
        },
        None => Action::Invite(rest),
    }
}

impl Action {
    /// The action undoing a move to `group` of an account now in `groups`: restoring
    /// them, when there were any besides `group`.
    pub fn undoing_move(groups: &[String], group: &str) -> Option<Action> {
        (groups.iter().any(|name| name != group)).then(|| Action::RestoreGroups(groups.to_vec()))
    }
}

impl Serialize for Action {
    /// The label, as shown in plans.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Action {
    /// A label, read back with [`FromStr`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let label = String::deserialize(deserializer)?;
        label.parse().map_err(serde::de::Error::custom)
    }
}

/// One change to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The portal to change.
    pub portal: String,
    /// The account, as shown to people (email, or the vendor id without one).
    pub user: String,
    /// The vendor's id for the account (or group) acted on.
    pub target: String,
    /// What to do.
    pub action: Action,
    /// Why, e.g. `last login 2026-01-02 (325 days ago)`.
    pub why: String,
    /// The action that would undo this one, where it needs state the portal forgets
    /// (the groups before a move); journaled so that `reactivate` can carry it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undo: Option<Action>,
}

/// What a plan would do, and what it could not do where. In JSON, `skipped` and
/// `refused` are objects `{portal, reason}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The changes, in order.
    pub steps: Vec<Step>,
    /// Portals where the operation is not offered by the vendor or could not be planned:
    /// (portal, reason).
    #[serde(serialize_with = "portal_reasons")]
    pub skipped: Vec<(String, String)>,
    /// Accounts the command should change but will not, because their state is unknown:
    /// (portal, reason). A plan with refusals can end at best partial.
    #[serde(serialize_with = "portal_reasons")]
    pub refused: Vec<(String, String)>,
}

/// (portal, reason) pairs as `{portal, reason}` objects.
fn portal_reasons<S: Serializer>(
    pairs: &[(String, String)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct PortalReason<'a> {
        portal: &'a str,
        reason: &'a str,
    }
    serializer.collect_seq(
        pairs
            .iter()
            .map(|(portal, reason)| PortalReason { portal, reason }),
    )
}

/// The result of applying a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Steps the portals confirmed.
    pub done: usize,
    /// Steps that failed: (step, reason).
    pub failed: Vec<(Step, String)>,
}

impl Plan {
    /// Whether there is nothing to change.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Prints the plan in `format`: a table followed by the skipped and refused portals'
    /// lines, one JSON object, or CSV rows `portal,user,target,action,why` in which a
    /// skipped or refused portal is a row with the action `not done` or `refused` and the
    /// reason as its `why`.
    pub fn print(&self, out: &mut dyn Write, format: Format) -> io::Result<()> {
        match format {
            Format::Table => self.print_table(out),
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, self)?;
                writeln!(out)
            }
            Format::Csv => self.print_csv(out),
        }
    }

    fn print_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["portal", "user", "target", "action", "why"])?;
        for step in &self.steps {
            let action = step.action.to_string();
            writer.write_record([&step.portal, &step.user, &step.target, &action, &step.why])?;
        }
        let notes = [("not done", &self.skipped), ("refused", &self.refused)];
        for (label, pairs) in notes {
            for (portal, reason) in pairs {
                writer.write_record([portal.as_str(), "", "", label, reason])?;
            }
        }
        writer.flush()
    }

    fn print_table(&self, out: &mut dyn Write) -> io::Result<()> {
        if self.steps.is_empty() {
            writeln!(out, "Nothing to change.")?;
        } else {
            let header = ["PORTAL", "USER", "ACTION", "WHY"].map(str::to_owned);
            let rows: Vec<Vec<String>> = self
                .steps
                .iter()
                .map(|step| {
                    vec![
                        step.portal.clone(),
                        step.user.clone(),
                        step.action.to_string(),
                        step.why.clone(),
                    ]
                })
                .collect();
            write_table(out, &header, &rows)?;
        }
        for (portal, reason) in &self.skipped {
            writeln!(out, "{portal}: not done: {reason}")?;
        }
        for (portal, reason) in &self.refused {
            writeln!(out, "{portal}: refused: {reason}")?;
        }
        Ok(())
    }

    /// Orders each portal's steps by action, keeping the portals' order and, within one
    /// action, the steps' order: a portal that takes steps in batches
    /// ([`crate::portal::Portal::batch_size`]) then gets them in long runs. Only for
    /// plans with at most one step per account, whose steps do not depend on each other.
    pub fn group_by_action(&mut self) {
        let mut first_seen: HashMap<String, usize> = HashMap::new();
        for (index, step) in self.steps.iter().enumerate() {
            first_seen.entry(step.portal.clone()).or_insert(index);
        }
        self.steps
            .sort_by_cached_key(|step| (first_seen[&step.portal], step.action.to_string()));
    }

    /// [`Done::Partial`] when accounts were refused, else [`Done::Complete`].
    pub fn refusals(&self) -> Done {
        if self.refused.is_empty() {
            Done::Complete
        } else {
            Done::Partial
        }
    }

    /// Carries out every step with `run`, journaling each before and after. A failed step
    /// is recorded and the rest go on. Each portal's steps run in plan order (under that
    /// portal's rate limit); different portals run side by side, so a bulk plan takes as
    /// long as its slowest portal, not as long as all of them.
    ///
    /// `run` gets a batch of consecutive steps of one portal with the same action, at
    /// most `batch(step)` of them (1: one at a time), and answers one result per step, in
    /// order: each batch is journaled as started before `run`, then each step's outcome.
    pub async fn apply<'p, B, F, Fut>(
        &'p self,
        journal: &mut Journal,
        batch: B,
        run: F,
    ) -> io::Result<Applied>
    where
        B: Fn(&Step) -> usize,
        F: Fn(&'p [Step]) -> Fut,
        Fut: Future<Output = Vec<Result<(), String>>>,
    {
        let mut lanes: Vec<(&str, Vec<&'p [Step]>)> = Vec::new();
        let mut rest = &self.steps[..];
        while let Some(first) = rest.first() {
            let len = rest
                .iter()
                .take(batch(first).max(1))
                .take_while(|step| step.portal == first.portal && step.action == first.action)
                .count();
            let (chunk, tail) = rest.split_at(len);
            rest = tail;
            match lanes.iter_mut().find(|(portal, _)| *portal == first.portal) {
                Some((_, chunks)) => chunks.push(chunk),
                None => lanes.push((&first.portal, vec![chunk])),
            }
        }
        // The lanes share one task, so a borrow never lasts across an await.
        let shared = RefCell::new((journal, Applied::default()));
        let lane = |chunks: Vec<&'p [Step]>| {
            let (run, shared) = (&run, &shared);
            async move {
                for chunk in chunks {
                    for step in chunk {
                        shared
                            .borrow_mut()
                            .0
                            .append(&entry(step, Outcome::Started, None))?;
                    }
                    let results = run(chunk).await;
                    let (journal, applied) = &mut *shared.borrow_mut();
                    for (step, result) in chunk.iter().zip(results) {
                        applied.record(journal, step, result)?;
                    }
                }
                io::Result::Ok(())
            }
        };
        try_join_all(lanes.into_iter().map(|(_, chunks)| lane(chunks))).await?;
        Ok(shared.into_inner().1)
    }

    /// Carries out every step as one batch: each step is journaled as started, `batch`
    /// runs, then each step's outcome is journaled. `Ok(Err(reason))` when the batch
    /// failed as a whole (every step is journaled as failed with that reason).
    pub async fn apply_together<E: fmt::Display>(
        &self,
        journal: &mut Journal,
        batch: impl Future<Output = Result<Vec<Result<(), E>>, E>>,
    ) -> io::Result<Result<Applied, String>> {
        for step in &self.steps {
            journal.append(&entry(step, Outcome::Started, None))?;
        }
        match batch.await {
            Ok(results) => {
                let mut applied = Applied::default();
                for (step, result) in self.steps.iter().zip(results) {
                    applied.record(journal, step, result)?;
                }
                Ok(Ok(applied))
            }
            Err(error) => {
                let reason = error.to_string();
                for step in &self.steps {
                    journal.append(&entry(step, Outcome::Failed, Some(reason.clone())))?;
                }
                Ok(Err(reason))
            }
        }
    }
}

impl Applied {
    /// Journals how `step` ended and counts it.
    fn record<E: fmt::Display>(
        &mut self,
        journal: &mut Journal,
        step: &Step,
        result: Result<(), E>,
    ) -> io::Result<()> {
        match result {
            Ok(()) => {
                journal.append(&entry(step, Outcome::Done, None))?;
                self.done += 1;
            }
            Err(error) => {
                let reason = error.to_string();
                journal.append(&entry(step, Outcome::Failed, Some(reason.clone())))?;
                self.failed.push((step.clone(), reason));
            }
        }
        Ok(())
    }
}

fn entry(step: &Step, outcome: Outcome, detail: Option<String>) -> Entry {
    Entry {
        time: Utc::now(),
        portal: step.portal.clone(),
        user: step.user.clone(),
        action: step.action.clone(),
        undo: step.undo.clone(),
        outcome,
        detail,
    }
}

#[cfg(test)]
impl Plan {
    /// Each step as (portal, target, action), for tests to compare with what they expect.
    pub(crate) fn step_targets(&self) -> Vec<(&str, &str, Action)> {
        self.steps
            .iter()
            .map(|step| {
                (
                    step.portal.as_str(),
                    step.target.as_str(),
                    step.action.clone(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(user: &str) -> Step {
        Step {
            portal: "lm".into(),
            user: user.into(),
            target: format!("id-{user}"),
            action: Action::Suspend,
            why: "idle".into(),
            undo: None,
        }
    }

    #[test]
    fn prints_steps_and_skipped_portals() {
        let plan = Plan {
            steps: vec![step("a@corp.example")],
            skipped: vec![(
                "tl".into(),
                "threatlocker's API does not offer suspend".into(),
            )],
            refused: vec![],
        };
        let printed = |format| {
            let mut out = Vec::new();
            plan.print(&mut out, format).unwrap();
            String::from_utf8(out).unwrap()
        };
        let text = printed(Format::Table);
        assert!(text.starts_with("PORTAL  USER"), "{text}");
        assert!(text.contains("a@corp.example  suspend"), "{text}");
        assert!(
            text.ends_with("tl: not done: threatlocker's API does not offer suspend\n"),
            "{text}"
        );

        let json: serde_json::Value = serde_json::from_str(&printed(Format::Json)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "steps": [{"portal": "lm", "user": "a@corp.example",
                           "target": "id-a@corp.example", "action": "suspend", "why": "idle"}],
                "skipped": [{"portal": "tl",
                             "reason": "threatlocker's API does not offer suspend"}],
                "refused": [],
            })
        );
        assert_eq!(
            printed(Format::Csv),
            "portal,user,target,action,why\n\
             lm,a@corp.example,id-a@corp.example,suspend,idle\n\
             tl,,,not done,threatlocker's API does not offer suspend\n"
        );
    }

    #[test]
    fn apply_journals_around_each_step_and_goes_on_after_a_failure() {
        let path =
            std::env::temp_dir().join(format!("portalctl-plan-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path).unwrap();
        let plan = Plan {
            steps: vec![step("a"), step("b"), step("c")],
            skipped: vec![],
            refused: vec![],
        };

        let applied = block_on(plan.apply(
            &mut journal,
            |_| 1,
            |steps| {
                let fail = steps[0].user == "b";
                async move {
                    vec![if fail {
                        Err("403 from the server".to_owned())
                    } else {
                        Ok(())
                    }]
                }
            },
        ))
        .unwrap();

        assert_eq!(applied.done, 2);
        assert_eq!(applied.failed.len(), 1);
        assert_eq!(applied.failed[0].0.user, "b");
        assert_eq!(
            journaled(&path),
            [
                ("a".into(), Outcome::Started),
                ("a".into(), Outcome::Done),
                ("b".into(), Outcome::Started),
                ("b".into(), Outcome::Failed),
                ("c".into(), Outcome::Started),
                ("c".into(), Outcome::Done),
            ]
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[tokio::test]
    async fn apply_runs_portals_side_by_side_and_each_portals_steps_in_order() {
        let path =
            std::env::temp_dir().join(format!("portalctl-plan-lanes-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path).unwrap();
        let on = |portal: &str, user: &str| Step {
            portal: portal.into(),
            ..step(user)
        };
        let plan = Plan {
            steps: vec![on("lm", "a1"), on("lm", "a2"), on("at", "b1")],
            ..Plan::default()
        };
        let order = RefCell::new(Vec::new());

        // lm's first step waits (yielding) until at's step has run: one portal after the
        // other would never see it.
        let applied = plan
            .apply(
                &mut journal,
                |_| 1,
                |steps| {
                    let order = &order;
                    let step = &steps[0];
                    async move {
                        if step.user == "a1" {
                            for _ in 0..100 {
                                if order.borrow().contains(&"b1".to_owned()) {
                                    break;
                                }
                                tokio::task::yield_now().await;
                            }
                            if !order.borrow().contains(&"b1".to_owned()) {
                                return vec![Err("at's step did not run alongside".to_owned())];
                            }
                        }
                        order.borrow_mut().push(step.user.clone());
                        vec![Ok(())]
                    }
                },
            )
            .await
            .unwrap();

        assert_eq!(applied.done, 3, "{:?}", applied.failed);
        assert_eq!(order.into_inner(), ["b1", "a1", "a2"]);
        let journaled = journaled(&path);
        assert_eq!(journaled.len(), 6);
        for user in ["a1", "a2", "b1"] {
            assert!(
                journaled.contains(&(user.to_owned(), Outcome::Done)),
                "{user}"
            );
        }
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn apply_hands_batches_of_one_portal_and_action_and_journals_around_each() {
        let path = std::env::temp_dir().join(format!(
            "portalctl-plan-batches-{}.jsonl",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path).unwrap();
        let delete = |user: &str| Step {
            action: Action::Delete,
            ..step(user)
        };
        let plan = Plan {
            steps: vec![step("a"), step("b"), step("c"), delete("d")],
            ..Plan::default()
        };
        let batches = RefCell::new(Vec::new());

        let applied = block_on(plan.apply(
            &mut journal,
            |_| 2,
            |steps| {
                batches.borrow_mut().push(
                    steps
                        .iter()
                        .map(|step| step.user.clone())
                        .collect::<Vec<_>>(),
                );
                async move { steps.iter().map(|_| Ok(())).collect() }
            },
        ))
        .unwrap();

        assert_eq!(applied.done, 4);
        assert_eq!(
            batches.into_inner(),
            [vec!["a", "b"], vec!["c"], vec!["d"]],
            "at most two, and never two actions in one batch"
        );
        let outcomes: Vec<_> = journaled(&path).into_iter().take(4).collect();
        assert_eq!(
            outcomes,
            [
                ("a".into(), Outcome::Started),
                ("b".into(), Outcome::Started),
                ("a".into(), Outcome::Done),
                ("b".into(), Outcome::Done),
            ]
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn apply_together_journals_every_start_then_every_outcome() {
        let path = std::env::temp_dir().join(format!(
            "portalctl-plan-together-{}.jsonl",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path).unwrap();
        let plan = Plan {
            steps: vec![step("a"), step("b")],
            skipped: vec![],
            refused: vec![],
        };
        let batch = async { Ok(vec![Ok(()), Err("no role named `x`".to_owned())]) };

        let applied = block_on(plan.apply_together(&mut journal, batch))
            .unwrap()
            .unwrap();

        assert_eq!(applied.done, 1);
        assert_eq!(applied.failed[0].1, "no role named `x`");
        assert_eq!(
            journaled(&path),
            [
                ("a".into(), Outcome::Started),
                ("b".into(), Outcome::Started),
                ("a".into(), Outcome::Done),
                ("b".into(), Outcome::Failed),
            ]
        );

        // A batch that fails as a whole fails every step with its reason.
        let whole = block_on(plan.apply_together(&mut journal, async {
            Err::<Vec<Result<(), String>>, _>("401 from the server".to_owned())
        }))
        .unwrap();
        assert_eq!(whole, Err("401 from the server".to_owned()));
        let entries = Journal::read(&path).unwrap();
        let last: Vec<_> = entries[entries.len() - 2..]
            .iter()
            .map(|entry| (entry.outcome, entry.detail.clone()))
            .collect();
        assert_eq!(
            last,
            vec![(Outcome::Failed, Some("401 from the server".to_owned())); 2]
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn action_labels_round_trip() {
        let organization: Uuid = "c4f6d1e2-0000-4000-8000-000000000001".parse().unwrap();
        for action in [
            Action::Suspend,
            Action::Reactivate,
            Action::Delete,
            Action::MoveToGroup("Suspended".into()),
            Action::CreateGroup("Night shift".into()),
            Action::DeleteGroup("Old".into()),
            Action::Invite("Helpdesk".into()),
            Action::InviteInto {
                role: "Technician".into(),
                organization,
            },
        ] {
            assert_eq!(action.to_string().parse(), Ok(action));
        }
    }

    #[test]
    fn journal_labels_read_as_typed_actions() {
        let read = |label: &str| serde_json::from_value::<Action>(label.into());
        assert_eq!(
            read("invite as Technician into c4f6d1e2-0000-4000-8000-000000000001").unwrap(),
            Action::InviteInto {
                role: "Technician".into(),
                organization: "c4f6d1e2-0000-4000-8000-000000000001".parse().unwrap(),
            }
        );
        // A role whose name merely contains " into " stays a role.
        assert_eq!(
            read("invite as Move into prod").unwrap(),
            Action::Invite("Move into prod".into())
        );
        assert_eq!(
            serde_json::to_value(Action::MoveToGroup("Suspended".into())).unwrap(),
            "move to group Suspended"
        );
        assert!(
            read("reticulate")
                .unwrap_err()
                .to_string()
                .contains("`reticulate` is not a portalctl action")
        );
    }

    /// The journal at `path` as (user, outcome) pairs.
    fn journaled(path: &std::path::Path) -> Vec<(String, Outcome)> {
        Journal::read(path)
            .unwrap()
            .into_iter()
            .map(|entry| (entry.user, entry.outcome))
            .collect()
    }

    /// Runs a future to completion on a fresh single-threaded runtime.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }
}
