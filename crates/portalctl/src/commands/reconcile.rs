//! `reconcile --roster FILE`: compare every listed account with an HR or identity-provider
//! roster. Findings: orphans (an account whose address is on no roster row), leavers (the
//! roster says the person left, but an enabled account exists) and aliases (an account
//! under the roster address with another case or a `+tag`). The plan offboards the
//! leavers' enabled accounts as `offboard` would, through the same runner.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::commands::offboard::offboard_action_for;
use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::output::{Format, write_table};
use crate::plan::{Plan, Step};
use crate::portal::{Operation, unsupported};
use crate::record::{UserRecord, UserStatus};
use crate::report;
use crate::roster::Person;
use crate::runner::Runner;

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The account's address is on no roster row.
    Orphan,
    /// The roster says the person left; the account is still enabled.
    Leaver,
    /// The account is the roster person's under another case or a `+tag`.
    Alias,
}

/// One account the roster disagrees with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What is wrong.
    pub kind: Kind,
    /// The portal.
    pub portal: String,
    /// The account's address.
    pub account: String,
    /// The roster address it matched, with its line (none for an orphan).
    pub roster: Option<String>,
    /// The account's status.
    pub status: String,
}

/// The findings, and the plan offboarding the leavers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// Every disagreement, portal by portal.
    pub findings: Vec<Finding>,
    /// Offboarding each leaver's enabled accounts.
    pub plan: Plan,
}

/// Reconciles the listed portals with `roster` and prints the findings and the plan
/// (carried out with `--apply`). Tables: the findings, then the plan. JSON: one object
/// `{findings, plan}`. CSV: the findings on stdout, the plan as a table on stderr.
pub async fn run(runner: &Runner<'_>, roster: &[Person]) -> Result<Done, Stop> {
    let gathered = runner.gather(None).await;
    let reconciled = reconcile(roster, &gathered.listed);
    write_reconciled(&mut io::stdout().lock(), &reconciled, runner.format())
        .and_then(|()| match runner.format() {
            Format::Csv => reconciled
                .plan
                .print(&mut io::stderr().lock(), Format::Table),
            Format::Json | Format::Table => Ok(()),
        })
        .map_err(|error| report::output_stop(&error))?;
    let done = if runner.will_apply(&reconciled.plan) {
        let applied = runner.apply_shown(&reconciled.plan).await?;
        Done::from_counts(reconciled.plan.steps.len(), applied.failed.len())
    } else {
        Done::Complete
    };
    Ok(done.and(gathered.done()))
}

/// Writes the findings and, for tables and JSON, the plan (see [`run`]).
fn write_reconciled(
    out: &mut dyn Write,
    reconciled: &Reconciled,
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let document = serde_json::json!({
                "findings": reconciled.findings,
                "plan": reconciled.plan,
            });
            serde_json::to_writer_pretty(&mut *out, &document)?;
            writeln!(out)
        }
        Format::Csv => write_findings(out, &reconciled.findings, format),
        Format::Table => {
            write_findings(out, &reconciled.findings, format)?;
            reconciled.plan.print(out, format)
        }
    }
}

/// An address with case and any `+tag` of its local part removed.
pub fn canonical(email: &str) -> String {
    let email = email.to_lowercase();
    match email.split_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(base, _)| base);
            format!("{local}@{domain}")
        }
        None => email,
    }
}

/// The findings and plan for `listed` against `roster`. A person on several rows counts
/// as left only when every row says so.
pub fn reconcile(roster: &[Person], listed: &[(&Connected, Vec<UserRecord>)]) -> Reconciled {
    let mut people: HashMap<String, (&Person, bool)> = HashMap::new();
    for person in roster {
        people
            .entry(canonical(&person.email))
            .and_modify(|(_, left)| *left &= person.left)
            .or_insert((person, person.left));
    }
    let mut reconciled = Reconciled::default();
    for (portal, users) in listed {
        let mut unsupported_noted = false;
        for user in users {
            let Some(email) = user.email.as_deref() else {
                continue;
            };
            let finding = |kind, roster: Option<&Person>| Finding {
                kind,
                portal: portal.name.clone(),
                account: email.to_owned(),
                roster: roster.map(|person| format!("{} (line {})", person.email, person.line)),
                status: user.status.as_str().to_owned(),
            };
            let Some(&(person, left)) = people.get(&canonical(email)) else {
                reconciled.findings.push(finding(Kind::Orphan, None));
                continue;
            };
            if person.email != email {
                reconciled.findings.push(finding(Kind::Alias, Some(person)));
            }
            if !left || user.status == UserStatus::Suspended {
                continue;
            }
            reconciled
                .findings
                .push(finding(Kind::Leaver, Some(person)));
            let pending = user.status == UserStatus::Pending;
            match offboard_action_for(portal.portal.as_ref(), pending) {
                Some(action) => reconciled.plan.steps.push(Step {
                    portal: portal.name.clone(),
                    user: email.to_owned(),
                    target: user.id.clone(),
                    action,
                    why: format!("left per roster line {}", person.line),
                    undo: None,
                }),
                None if !unsupported_noted => {
                    unsupported_noted = true;
                    reconciled.plan.skipped.push((
                        portal.name.clone(),
                        unsupported(portal.vendor(), Operation::Delete),
                    ));
                }
                None => {}
            }
        }
    }
    reconciled.plan.group_by_action();
    reconciled
}

/// Writes `findings` as a table, JSON array or CSV.
pub fn write_findings(out: &mut dyn Write, findings: &[Finding], format: Format) -> io::Result<()> {
    let cells = |finding: &Finding| {
        vec![
            serde_json::to_value(finding.kind)
                .ok()
                .and_then(|kind| kind.as_str().map(str::to_owned))
                .unwrap_or_default(),
            finding.portal.clone(),
            finding.account.clone(),
            finding.roster.clone().unwrap_or_default(),
            finding.status.clone(),
        ]
    };
    let header = ["kind", "portal", "account", "roster", "status"];
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, findings)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record(header)?;
            for finding in findings {
                writer.write_record(cells(finding))?;
            }
            writer.flush()
        }
        Format::Table => {
            let header = header.map(str::to_uppercase);
            let rows: Vec<Vec<String>> = findings.iter().map(cells).collect();
            write_table(out, &header, &rows)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::plan::Action;
    use crate::record::tests::user;

    fn person(line: usize, email: &str, left: bool) -> Person {
        Person {
            line,
            email: email.into(),
            left,
        }
    }

    #[test]
    fn canonical_addresses_drop_case_and_tags() {
        assert_eq!(canonical("Jane+Portal@Corp.Example"), "jane@corp.example");
        assert_eq!(canonical("bob@corp.example"), "bob@corp.example");
    }

    #[test]
    fn orphans_leavers_and_aliases_and_a_plan_for_the_leavers() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let account = |portal: &str, id: &str, email: &str, status| UserRecord {
            email: Some(email.into()),
            status,
            ..user(portal, id)
        };
        let roster = [
            person(2, "jane@corp.example", false),
            person(3, "Bob@corp.example", true),
            person(4, "ann@corp.example", true),
            person(5, "ann@corp.example", false),
        ];
        let listed = vec![
            (
                portal("at"),
                vec![
                    account("at", "a1", "jane+ops@corp.example", UserStatus::Active),
                    account("at", "a2", "bob@corp.example", UserStatus::Active),
                    account("at", "a3", "ghost@corp.example", UserStatus::Active),
                    account("at", "a4", "ann@corp.example", UserStatus::Active),
                ],
            ),
            (
                portal("pp"),
                vec![account("pp", "p1", "bob@corp.example", UserStatus::Active)],
            ),
            (
                portal("lm"),
                vec![account(
                    "lm",
                    "7",
                    "bob@corp.example",
                    UserStatus::Suspended,
                )],
            ),
        ];

        let reconciled = reconcile(&roster, &listed);

        let found: Vec<_> = reconciled
            .findings
            .iter()
            .map(|finding| {
                (
                    finding.kind,
                    finding.portal.as_str(),
                    finding.account.as_str(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (Kind::Alias, "at", "jane+ops@corp.example"),
                (Kind::Alias, "at", "bob@corp.example"),
                (Kind::Leaver, "at", "bob@corp.example"),
                (Kind::Orphan, "at", "ghost@corp.example"),
                (Kind::Alias, "pp", "bob@corp.example"),
                (Kind::Leaver, "pp", "bob@corp.example"),
                (Kind::Alias, "lm", "bob@corp.example"),
            ],
            "ann is rehired (not every row says left); bob's suspended lm account is done"
        );
        let steps = reconciled.plan.step_targets();
        assert_eq!(
            steps,
            [("at", "a2", Action::Suspend), ("pp", "p1", Action::Delete)]
        );
        assert_eq!(reconciled.plan.steps[0].why, "left per roster line 3");

        let mut out = Vec::new();
        write_findings(&mut out, &reconciled.findings[..1], Format::Csv).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "kind,portal,account,roster,status\nalias,at,jane+ops@corp.example,jane@corp.example (line 2),active\n"
        );
    }
}
