//! `suspend-inactive --days N [--group G]`: suspend the active users idle longer than N
//! days, first moving each into group G (made their only group) where the vendor has
//! groups, so a run interrupted between the two completes on re-run.

use chrono::{DateTime, Utc};

use crate::commands::check_name;
use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::plan::{Action, Plan, Step};
use crate::portal::{Operation, unsupported};
use crate::record::{UserRecord, UserStatus};
use crate::runner::Runner;

/// Refuses an empty group name.
pub fn check_input(group: Option<&str>) -> Result<(), Stop> {
    group.map_or(Ok(()), |group| check_name("--group", group))
}

/// Plans and (with `--apply`) carries out the suspensions.
pub async fn run(runner: &Runner<'_>, days: u32, group: Option<&str>) -> Result<Done, Stop> {
    let gathered = runner.gather(None).await;
    let plan = plan(&gathered.listed, Utc::now(), days, group);
    runner
        .carry_out(&plan)
        .await
        .map(|done| done.and(gathered.done()))
}

/// The steps suspending every active user of the `listed` portals idle longer than
/// `days` before `now`, each preceded by a move into `group` where the vendor has groups
/// and the user is not already in that group alone.
pub fn plan(
    listed: &[(&Connected, Vec<UserRecord>)],
    now: DateTime<Utc>,
    days: u32,
    group: Option<&str>,
) -> Plan {
    let mut plan = Plan::default();
    for (portal, users) in listed {
        if !portal.supports(Operation::Suspend) {
            plan.skipped.push((
                portal.name.clone(),
                unsupported(portal.vendor(), Operation::Suspend),
            ));
            continue;
        }
        let can_move = group.is_some() && portal.supports(Operation::Groups);
        if group.is_some() && !can_move {
            plan.skipped.push((
                portal.name.clone(),
                format!(
                    "{}; suspending without moving",
                    unsupported(portal.vendor(), Operation::Groups)
                ),
            ));
        }
        for user in users {
            if user.status != UserStatus::Active || !user.last_login.is_idle(now, days) {
                continue;
            }
            let step = |action, undo| Step {
                portal: portal.name.clone(),
                user: user.email.clone().unwrap_or_else(|| user.id.clone()),
                target: user.id.clone(),
                action,
                why: format!(
                    "last login {}, idle more than {days} days",
                    user.last_login.display()
                ),
                undo,
            };
            if let Some(group) = group.filter(|_| can_move)
                && user.groups != [group]
            {
                plan.steps.push(step(
                    Action::MoveToGroup(group.to_owned()),
                    Action::undoing_move(&user.groups, group),
                ));
            }
            plan.steps.push(step(Action::Suspend, None));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::LastLogin;
    use crate::record::tests::{now, user};
    use chrono::Duration;

    #[test]
    fn suspends_exactly_the_idle_and_moves_them_first() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let idle = |portal: &str, id: &str| UserRecord {
            last_login: LastLogin::At(now() - Duration::days(91)),
            ..user(portal, id)
        };
        let listed = vec![
            (portal("pp"), vec![idle("pp", "p1")]),
            (portal("at"), vec![idle("at", "a1")]),
            (
                portal("lm"),
                vec![
                    idle("lm", "1"),
                    UserRecord {
                        email: None,
                        ..user("lm", "2")
                    },
                    UserRecord {
                        last_login: LastLogin::At(now() - Duration::days(89)),
                        ..user("lm", "3")
                    },
                    UserRecord {
                        last_login: LastLogin::Unknown,
                        ..user("lm", "4")
                    },
                    UserRecord {
                        status: UserStatus::Suspended,
                        ..idle("lm", "5")
                    },
                    UserRecord {
                        groups: vec!["Suspended".into()],
                        ..idle("lm", "6")
                    },
                ],
            ),
        ];

        let plan = plan(&listed, now(), 90, Some("Suspended"));

        let steps: Vec<_> = plan
            .steps
            .iter()
            .map(|step| {
                (
                    step.portal.as_str(),
                    step.user.as_str(),
                    step.action.to_string(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("at", "a1@corp.example", "suspend".to_owned()),
                ("lm", "1@corp.example", "move to group Suspended".to_owned()),
                ("lm", "1@corp.example", "suspend".to_owned()),
                ("lm", "2", "move to group Suspended".to_owned()),
                ("lm", "2", "suspend".to_owned()),
                ("lm", "6@corp.example", "suspend".to_owned()),
            ]
        );
        assert_eq!(
            plan.steps[0].why,
            "last login 2026-08-24T12:00:00Z, idle more than 90 days"
        );
        assert_eq!(
            plan.steps[3].why,
            "last login never, idle more than 90 days"
        );
        assert_eq!(
            plan.skipped,
            [
                (
                    "pp".to_owned(),
                    "partner-portal's API does not offer suspend".to_owned()
                ),
                (
                    "at".to_owned(),
                    "allthenticate's API does not offer user groups; suspending without moving"
                        .to_owned()
                ),
            ]
        );
    }
}
