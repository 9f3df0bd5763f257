//! Changes as a plan: shown first, carried out only with `--apply`, each step journaled
//! before and after it runs.

use std::future::Future;
use std::io::{self, Write};

use chrono::Utc;

use crate::journal::{Entry, Journal, Outcome};
use crate::output::write_table;

/// One change to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The portal to change.
    pub portal: String,
    /// The account, as shown to people (email, or the vendor id without one).
    pub user: String,
    /// The vendor's id for the account (or group) acted on.
    pub target: String,
    /// What to do, e.g. `suspend`, `delete`, `move-to-group Suspended`.
    pub action: String,
    /// Why, e.g. `last login 2026-01-02 (325 days ago)`.
    pub why: String,
}

/// What a plan would do, and what it could not do where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The changes, in order.
    pub steps: Vec<Step>,
    /// Portals where the operation is not offered by the vendor or could not be planned:
    /// (portal, reason).
    pub skipped: Vec<(String, String)>,
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

    /// Prints the plan as a table, then the skipped portals.
    pub fn print(&self, out: &mut dyn Write) -> io::Result<()> {
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
                        step.action.clone(),
                        step.why.clone(),
                    ]
                })
                .collect();
            write_table(out, &header, &rows)?;
        }
        for (portal, reason) in &self.skipped {
            writeln!(out, "{portal}: not done: {reason}")?;
        }
        Ok(())
    }

    /// Carries out every step with `run`, journaling each before and after. A failed step
    /// is recorded and the rest go on.
    pub async fn apply<F, Fut>(&self, journal: &mut Journal, mut run: F) -> io::Result<Applied>
    where
        F: FnMut(&Step) -> Fut,
        Fut: Future<Output = Result<(), String>>,
    {
        let mut applied = Applied::default();
        for step in &self.steps {
            journal.append(&entry(step, Outcome::Started, None))?;
            match run(step).await {
                Ok(()) => {
                    journal.append(&entry(step, Outcome::Done, None))?;
                    applied.done += 1;
                }
                Err(reason) => {
                    journal.append(&entry(step, Outcome::Failed, Some(reason.clone())))?;
                    applied.failed.push((step.clone(), reason));
                }
            }
        }
        Ok(applied)
    }
}

fn entry(step: &Step, outcome: Outcome, detail: Option<String>) -> Entry {
    Entry {
        time: Utc::now(),
        portal: step.portal.clone(),
        user: step.user.clone(),
        action: step.action.clone(),
        outcome,
        detail,
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
            action: "suspend".into(),
            why: "idle".into(),
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
        };
        let mut out = Vec::new();
        plan.print(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("PORTAL  USER"), "{text}");
        assert!(text.contains("a@corp.example  suspend"), "{text}");
        assert!(
            text.ends_with("tl: not done: threatlocker's API does not offer suspend\n"),
            "{text}"
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
        };

        let applied = block_on(plan.apply(&mut journal, |step| {
            let fail = step.user == "b";
            async move {
                if fail {
                    Err("403 from the server".to_owned())
                } else {
                    Ok(())
                }
            }
        }))
        .unwrap();

        assert_eq!(applied.done, 2);
        assert_eq!(applied.failed.len(), 1);
        assert_eq!(applied.failed[0].0.user, "b");
        let lines: Vec<(String, Outcome)> = Journal::read(&path)
            .unwrap()
            .into_iter()
            .map(|entry| (entry.user, entry.outcome))
            .collect();
        assert_eq!(
            lines,
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

    /// Runs a future to completion on a fresh single-threaded runtime.
    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }
}
