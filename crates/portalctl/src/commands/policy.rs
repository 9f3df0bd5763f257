//! `policy check|plan|apply --policy FILE`: judge every listed account by a dormancy
//! policy ([`crate::policy`]).
//!
//! - `check` parses and checks the file only; nothing is listed or sent.
//! - `plan` lists every portal and prints the per-portal report (the share of enabled
//!   accounts that are dormant) and every account the policy concerns: as a table the
//!   accounts that are not `active` or are excluded (each with the rule that excluded
//!   it), as JSON or CSV every account.
//! - `apply` turns the stages reached into typed [`crate::plan::Action`]s (suspend, move
//!   to group, delete; `warn` changes nothing) and hands them to the shared runner: a
//!   dry run without `--apply`, journaled with it.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::cli::PolicyCommand;
use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::output::{Format, write_table};
use crate::plan::{self, Plan, Step};
use crate::policy::{self, Account, Classification, Policy, PolicyPlan, PortalReport, Unlisted};
use crate::portal::unsupported;
use crate::record::UserRecord;
use crate::report;
use crate::runner::{Gathered, Runner};

/// Reads and checks the policy file at `path`; a mistake is a usage error naming the
/// file and line.
pub fn load(path: &Path) -> Result<Policy, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Stop::Usage(format!("policy file `{}`: {error}", path.display())))?;
    Policy::parse(&text).map_err(|error| Stop::Usage(format!("{}: {error}", path.display())))
}

/// `policy check`: says the file at `path` is valid (read and checked by
/// [`crate::commands::check_input`] with [`load`]).
pub fn check(path: &Path) -> Result<Done, Stop> {
    println!("{}: policy is valid", path.display());
    Ok(Done::Complete)
}

/// Runs `policy plan` or `policy apply` with `policy`, the file [`load`] read.
pub async fn run(
    runner: &Runner<'_>,
    command: &PolicyCommand,
    policy: &Policy,
) -> Result<Done, Stop> {
    let apply = match command {
        PolicyCommand::Check { policy } => return check(policy),
        PolicyCommand::Plan { .. } => false,
        PolicyCommand::Apply { .. } => true,
    };
    let mut gathered = runner.gather(None).await;
    if !apply {
        // Only the judgement is printed: each account moves out of the listing into it.
        let listed = std::mem::take(&mut gathered.listed);
        let accounts = listed
            .into_iter()
            .flat_map(|(_, users)| users.into_iter().map(Account::from));
        let judged = judge(policy, accounts, &gathered.unlisted, Utc::now());
        let mut out = io::BufWriter::new(io::stdout().lock());
        print(&mut out, &judged, runner.format())
            .and_then(|()| out.flush())
            .map_err(|error| report::output_stop(&error))?;
        return Ok(gathered.done());
    }
    let judged = judge_listed(policy, &gathered, Utc::now());
    for portal in &judged.portals {
        note_unjudged(portal);
    }
    let changes = changes(&judged, &gathered.listed);
    runner
        .carry_out(&changes)
        .await
        .map(|done| done.and(gathered.done()))
}

/// Each listed account's groups by (portal, id).
fn groups_of<'a>(
    listed: &'a [(&Connected, Vec<UserRecord>)],
) -> HashMap<(&'a str, &'a str), &'a [String]> {
    listed
        .iter()
        .flat_map(|(portal, users)| {
            users.iter().map(|user| {
                (
                    (portal.name.as_str(), user.id.as_str()),
                    user.groups.as_slice(),
                )
            })
        })
        .collect()
}

/// Judges `accounts` by `policy` at `now`; the `unlisted` portals are reported with their
/// organizations to check by hand.
pub fn judge(
    policy: &Policy,
    accounts: impl IntoIterator<Item = Account>,
    unlisted: &[(&Connected, Vec<Uuid>)],
    now: DateTime<Utc>,
) -> PolicyPlan {
    let unlisted: Vec<Unlisted> = unlisted
        .iter()
        .map(|(portal, children)| self::unlisted(portal, children))
        .collect();
    policy.plan(accounts, &unlisted, now)
}

/// [`judge`] over every account of the `gathered` portals, which are left as they are.
pub fn judge_listed(policy: &Policy, gathered: &Gathered<'_>, now: DateTime<Utc>) -> PolicyPlan {
    let accounts = gathered
        .listed
        .iter()
        .flat_map(|(_, users)| users.iter().map(Account::from));
    judge(policy, accounts, &gathered.unlisted, now)
}

/// A portal that lists no users: its own organization and its `children` to check.
fn unlisted(portal: &Connected, children: &[Uuid]) -> Unlisted {
    Unlisted {
        portal: portal.name.clone(),
        vendor: portal.vendor(),
        organizations: std::iter::once("its own organization".to_owned())
            .chain(children.iter().map(Uuid::to_string))
            .collect(),
    }
}

/// The changes the judged accounts still need, as steps for the `listed` portals; an
/// action a portal's vendor does not offer is skipped with the reason, once per portal.
/// A move to a group records the groups it leaves, so that it can be undone.
pub fn changes(judged: &PolicyPlan, listed: &[(&Connected, Vec<UserRecord>)]) -> Plan {
    let mut plan = Plan::default();
    let mut groups_by_id = None;
    for account in &judged.accounts {
        let Some((portal, _)) = listed
            .iter()
            .find(|(portal, _)| portal.name == account.portal)
        else {
            continue;
        };
        for action in &account.actions {
            let action = match action {
                policy::Action::Warn => continue,
                policy::Action::Suspend => plan::Action::Suspend,
                policy::Action::MoveToGroup { group } => plan::Action::MoveToGroup(group.clone()),
                policy::Action::Delete => plan::Action::Delete,
            };
            if !portal.supports(action.operation()) {
                let skipped = (
                    portal.name.clone(),
                    unsupported(portal.vendor(), action.operation()),
                );
                if !plan.skipped.contains(&skipped) {
                    plan.skipped.push(skipped);
                }
                continue;
            }
            let undo = match &action {
                plan::Action::MoveToGroup(group) => {
                    let groups = groups_by_id.get_or_insert_with(|| groups_of(listed));
                    groups
                        .get(&(account.portal.as_str(), account.id.as_str()))
                        .and_then(|groups| plan::Action::undoing_move(groups, group))
                }
                _ => None,
            };
            plan.steps.push(Step {
                portal: portal.name.clone(),
                user: account
                    .email
                    .clone()
                    .or_else(|| account.username.clone())
                    .unwrap_or_else(|| account.id.clone()),
                target: account.id.clone(),
                action,
                why: format!("{}: {}", account.classification.as_str(), account.reason),
                undo,
            });
        }
    }
    plan
}

/// Says on stderr what a portal's accounts the policy could not judge.
fn note_unjudged(portal: &PortalReport) {
    if portal.unknown > 0 {
        report::note(
            &portal.portal,
            &format!(
                "{} accounts with no usable activity signal: never acted on",
                portal.unknown
            ),
        );
    }
    if let Some(check) = &portal.manual_check {
        report::note(
            &portal.portal,
            &format!(
                "{} ({} organizations)",
                check.reason,
                check.organizations.len()
            ),
        );
    }
}

/// Prints the judged plan: JSON (report and every account), CSV (one row per account)
/// or tables (the report, the accounts that are not active or are excluded, and what
/// must be checked by hand).
pub fn print(out: &mut dyn Write, judged: &PolicyPlan, format: Format) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, judged)?;
            writeln!(out)
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            for row in judged.rows() {
                writer.serialize(row)?;
            }
            writer.flush()
        }
        Format::Table => print_tables(out, judged),
    }
}

fn print_tables(out: &mut dyn Write, judged: &PolicyPlan) -> io::Result<()> {
    let header = [
        "PORTAL",
        "VENDOR",
        "ACCOUNTS",
        "ENABLED",
        "DORMANT",
        "DORMANT %",
        "NEVER LOGGED IN",
        "UNKNOWN",
        "EXCLUDED",
        "STAGES",
    ]
    .map(str::to_owned);
    let rows: Vec<Vec<String>> = judged
        .portals
        .iter()
        .map(|portal| {
            vec![
                portal.portal.clone(),
                portal.vendor.to_string(),
                portal.accounts.to_string(),
                portal.enabled.to_string(),
                portal.dormant.to_string(),
                portal
                    .dormant_percent
                    .map_or_else(|| "-".to_owned(), |percent| format!("{percent:.1}")),
                portal.never_logged_in.to_string(),
                portal.unknown.to_string(),
                portal.excluded.to_string(),
                portal
                    .stages
                    .iter()
                    .map(|(stage, count)| format!("{}:{count}", stage.as_str()))
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    write_table(out, &header, &rows)?;
    writeln!(out)?;
    let concerned: Vec<Vec<String>> = judged
        .rows()
        .zip(&judged.accounts)
        .filter(|(_, account)| {
            account.classification != Classification::Active || account.excluded_by.is_some()
        })
        .map(|(row, _)| {
            let or_dash = |text: String| {
                if text.is_empty() {
                    "-".to_owned()
                } else {
                    text
                }
            };
            let user = [row.email, row.username, row.id]
                .into_iter()
                .find(|text| !text.is_empty())
                .unwrap_or_default();
            vec![
                row.portal,
                user,
                row.classification.to_owned(),
                or_dash(row.last_activity),
                or_dash(row.inactive_days),
                or_dash(row.stage.to_owned()),
                or_dash(row.actions),
                row.reason,
            ]
        })
        .collect();
    if concerned.is_empty() {
        writeln!(out, "Every account is active.")?;
    } else {
        let header = [
            "PORTAL",
            "USER",
            "CLASS",
            "LAST ACTIVITY",
            "DAYS",
            "STAGE",
            "ACTIONS",
            "WHY",
        ]
        .map(str::to_owned);
        write_table(out, &header, &concerned)?;
    }
    for portal in &judged.portals {
        if let Some(check) = &portal.manual_check {
            writeln!(out, "\n{}: {}:", portal.portal, check.reason)?;
            for organization in &check.organizations {
                writeln!(out, "  {organization}")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{Duration, TimeZone};

    use super::*;
    use crate::directory::tests::four;
    use crate::plan::Action;
    use crate::policy::Signal;
    use crate::record::tests::user;
    use crate::record::{ActivityFacts, UserStatus};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
    }

    /// `id` on `portal`, last active `days` ago by `signal` (never, with `None`).
    fn seen(portal: &str, id: &str, signal: Signal, days: Option<i64>) -> UserRecord {
        UserRecord {
            activity: ActivityFacts {
                signals: BTreeMap::from([(signal, days.map(|days| now() - Duration::days(days)))]),
                ..ActivityFacts::default()
            },
            ..user(portal, id)
        }
    }

    const POLICY: &str = r#"
[defaults]
dormant_after = 45
suspend_after = 45
move_after = 60
move_to_group = "Suspended"
delete_after_suspended = 30

[break_glass]
accounts = ["glass@corp.example"]
"#;

    #[test]
    fn stages_become_typed_steps_and_unsupported_ones_are_skipped_once() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let mut at_user = seen("at", "a1", Signal::ActiveDate, Some(50));
        at_user.vendor = crate::config::Vendor::Allthenticate;
        let mut pp_users = vec![
            seen("pp", "p1", Signal::LastLoggedAt, Some(70)),
            seen("pp", "p2", Signal::LastLoggedAt, Some(80)),
        ];
        for user in &mut pp_users {
            user.vendor = crate::config::Vendor::PartnerPortal;
        }
        let gathered = Gathered {
            listed: vec![
                (portal("at"), vec![at_user]),
                (portal("pp"), pp_users),
                (
                    portal("lm"),
                    vec![
                        seen("lm", "1", Signal::LastLoginOn, Some(70)),
                        seen("lm", "2", Signal::LastLoginOn, Some(10)),
                        seen("lm", "glass", Signal::LastLoginOn, Some(400)),
                        UserRecord {
                            status: UserStatus::Suspended,
                            groups: vec!["Suspended".into()],
                            ..seen("lm", "3", Signal::LastLoginOn, Some(400))
                        },
                        user("lm", "4"),
                    ],
                ),
            ],
            unlisted: vec![(portal("tl"), vec![Uuid::nil()])],
            worked: 4,
            failed: 0,
        };
        let policy = Policy::parse(POLICY).unwrap();

        let judged = judge_listed(&policy, &gathered, now());
        let plan = changes(&judged, &gathered.listed);

        let steps = plan.step_targets();
        assert_eq!(
            steps,
            [
                ("at", "a1", Action::Suspend),
                ("lm", "1", Action::Suspend),
                ("lm", "1", Action::MoveToGroup("Suspended".into())),
            ]
        );
        assert_eq!(plan.steps[0].why, "dormant: inactive 50 days");
        assert_eq!(
            plan.skipped,
            [(
                "pp".to_owned(),
                "partner-portal's API does not offer suspend".to_owned()
            )]
        );
        let glass = judged.accounts.iter().find(|a| a.id == "glass").unwrap();
        assert_eq!(
            glass.excluded_by.as_ref().unwrap().to_string(),
            "break-glass account `glass@corp.example` (policy line 10)"
        );
        // Suspended since an unknown date: never deleted.
        let suspended = judged.accounts.iter().find(|a| a.id == "3").unwrap();
        assert!(suspended.actions.is_empty());
        let tl = judged.portals.iter().find(|p| p.portal == "tl").unwrap();
        assert_eq!(
            tl.manual_check.as_ref().unwrap().organizations,
            ["its own organization".to_owned(), Uuid::nil().to_string()]
        );
    }

    #[test]
    fn the_table_shows_excluded_and_inactive_accounts_but_not_active_ones() {
        let directory = four();
        let gathered = Gathered {
            listed: vec![(
                directory.get("lm").unwrap(),
                vec![
                    seen("lm", "1", Signal::LastLoginOn, Some(70)),
                    seen("lm", "2", Signal::LastLoginOn, Some(10)),
                    seen("lm", "glass", Signal::LastLoginOn, Some(1)),
                ],
            )],
            unlisted: Vec::new(),
            worked: 1,
            failed: 0,
        };
        let judged = judge_listed(&Policy::parse(POLICY).unwrap(), &gathered, now());
        let mut out = Vec::new();
        print(&mut out, &judged, Format::Table).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("1@corp.example"), "{text}");
        assert!(!text.contains("2@corp.example"), "{text}");
        assert!(
            text.contains("excluded: break-glass account `glass@corp.example`"),
            "{text}"
        );
        let report = text.lines().nth(1).unwrap();
        assert!(
            report.split_whitespace().eq([
                "lm",
                "logicmonitor",
                "3",
                "3",
                "1",
                "33.3",
                "0",
                "0",
                "1",
                "move-to-group:1"
            ]),
            "{report}"
        );
    }
}
