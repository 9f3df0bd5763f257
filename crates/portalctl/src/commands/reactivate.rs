//! `reactivate EMAIL` or `reactivate --from FILE`: undo suspensions where the vendor can
//! (LogicMonitor: status back to active; Allthenticate: unsuspend, refused when the
//! member's state is unknown). A portal whose vendor offers no suspension has none to
//! undo, and says so. Group memberships changed by `suspend-inactive --group` are not
//! restored.

use std::collections::HashSet;

use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::plan::{Action, Plan, Step};
use crate::portal::{Operation, unsupported};
use crate::record::{UserRecord, UserStatus};
use crate::runner::Runner;

/// Plans and (with `--apply`) carries out the reactivation of `people` (lower-cased).
pub async fn run(runner: &Runner<'_>, people: &[String]) -> Result<Done, Stop> {
    let gathered = runner.gather(None).await;
    let plan = plan(people, &runner.directory().portals, &gathered.listed);
    runner
        .carry_out(&plan)
        .await
        .map(|done| done.and(gathered.done()))
}

/// The steps reactivating every suspended account of `people` in the `listed` portals,
/// portal by portal; `portals` (all configured) that can not suspend are skipped with
/// the reason.
pub fn plan(
    people: &[String],
    portals: &[Connected],
    listed: &[(&Connected, Vec<UserRecord>)],
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
    let wanted: HashSet<&str> = people.iter().map(String::as_str).collect();
    for (portal, users) in listed {
        if !portal.supports(Operation::Suspend) {
            continue;
        }
        for user in users {
            let Some(email) = user.email.as_deref().filter(|email| wanted.contains(email)) else {
                continue;
            };
            if user.status != UserStatus::Suspended {
                continue;
            }
            plan.steps.push(Step {
                portal: portal.name.clone(),
                user: email.to_owned(),
                target: user.id.clone(),
                action: Action::Reactivate,
                why: "undoing a suspension".to_owned(),
            });
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::tests::user;

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

        let plan = plan(&["jane@corp.example".into()], &directory.portals, &listed);

        let steps: Vec<_> = plan
            .steps
            .iter()
            .map(|step| {
                (
                    step.portal.as_str(),
                    step.target.as_str(),
                    step.action.clone(),
                )
            })
            .collect();
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
}
