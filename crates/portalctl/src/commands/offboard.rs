//! `offboard EMAIL` or `offboard --from FILE`: remove people everywhere. Suspend where
//! the vendor can (it is reversible), else delete where it can, else report the portal as
//! unsupported; a portal that can not list users can not be searched, and says so. The
//! plan lists each portal's steps together, however many people; a re-run after an
//! interruption plans only what is left, since done steps show in the portals' state.

use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::plan::{Action, Plan, Step};
use crate::portal::{Operation, Portal, unsupported};
use crate::record::{UserRecord, UserStatus};
use crate::runner::Runner;
use std::collections::HashSet;

/// Plans and (with `--apply`) carries out the offboarding of `people` (lower-cased).
pub async fn run(runner: &Runner<'_>, people: &[String]) -> Result<Done, Stop> {
    let gathered = runner.gather(None).await;
    let plan = plan(people, &runner.directory().portals, &gathered.listed);
    runner
        .carry_out(&plan)
        .await
        .map(|done| done.and(gathered.done()).and(plan.refusals()))
}

/// How a leaver is removed from `portal`: suspend where possible, else delete, else
/// nothing (`None`: unsupported).
pub fn offboard_action(portal: &dyn Portal) -> Option<Action> {
    if portal.supports(Operation::Suspend) {
        Some(Action::Suspend)
    } else if portal.supports(Operation::Delete) {
        Some(Action::Delete)
    } else {
        None
    }
}

/// How an account is removed from `portal`: [`offboard_action`], except that an
/// invitation nobody has accepted yet (`pending`), which can not be suspended, is
/// cancelled by deleting it where the vendor can.
pub fn offboard_action_for(portal: &dyn Portal, pending: bool) -> Option<Action> {
    if pending && portal.supports(Operation::Delete) {
        Some(Action::Delete)
    } else {
        offboard_action(portal)
    }
}

/// Why an account is removed with `action`.
fn offboard_why(action: &Action, pending: bool) -> &'static str {
    match action {
        Action::Suspend => "offboarding; suspension is reversible",
        _ if pending => "offboarding; an invitation not accepted yet is cancelled",
        _ => "offboarding; the vendor cannot suspend",
    }
}

/// The steps removing every account of `people` (lower-cased) from the `listed`
/// portals, portal by portal; `portals` (all configured) that can not list users are
/// skipped with the reason.
pub fn plan(
    people: &[String],
    portals: &[Connected],
    listed: &[(&Connected, Vec<UserRecord>)],
) -> Plan {
    let mut plan = Plan::default();
    let whom = match people {
        [one] => one.clone(),
        many => format!("these {} people", many.len()),
    };
    for portal in portals {
        if !portal.supports(Operation::List) {
            plan.skipped.push((
                portal.name.clone(),
                format!(
                    "{}, so {whom} can not be looked up there; check it by hand",
                    unsupported(portal.vendor(), Operation::List)
                ),
            ));
        }
    }
    let wanted: HashSet<&str> = people.iter().map(String::as_str).collect();
    for (portal, users) in listed {
        if offboard_action(portal.portal.as_ref()).is_none() {
            plan.skipped.push((
                portal.name.clone(),
                unsupported(portal.vendor(), Operation::Delete),
            ));
            continue;
        }
        for user in users {
            let Some(email) = user.email.as_deref().filter(|email| wanted.contains(email)) else {
                continue;
            };
            let pending = user.status == UserStatus::Pending;
            let Some(action) = offboard_action_for(portal.portal.as_ref(), pending) else {
                continue;
            };
            if action == Action::Suspend {
                match &user.status {
                    UserStatus::Suspended => continue,
                    UserStatus::Unknown(reason) => {
                        plan.refused.push((
                            portal.name.clone(),
                            format!(
                                "{email} ({}) not suspended: its suspension state is unknown ({reason}); suspending could re-activate it, check it by hand",
                                user.id
                            ),
                        ));
                        continue;
                    }
                    _ => {}
                }
            }
            plan.steps.push(Step {
                portal: portal.name.clone(),
                user: email.to_owned(),
                target: user.id.clone(),
                why: offboard_why(&action, pending).to_owned(),
                action,
                undo: None,
            });
        }
    }
    plan.group_by_action();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::tests::user;

    #[test]
    fn offboarding_prefers_reversible_suspension() {
        let directory = four();
        let action = |name| offboard_action(directory.get(name).unwrap().portal.as_ref());
        assert_eq!(action("lm"), Some(Action::Suspend));
        assert_eq!(action("at"), Some(Action::Suspend));
        assert_eq!(action("pp"), Some(Action::Delete));
        assert_eq!(action("tl"), None);
    }

    #[test]
    fn an_invitation_not_accepted_yet_is_cancelled_not_suspended() {
        let directory = four();
        let member = |id: &str, email: &str, status| UserRecord {
            email: Some(email.into()),
            status,
            ..user("at", id)
        };
        let listed = vec![(
            directory.get("at").unwrap(),
            vec![
                member("a1", "ann@corp.example", UserStatus::Active),
                member("a9", "new@corp.example", UserStatus::Pending),
                member("a2", "bob@corp.example", UserStatus::Active),
            ],
        )];
        let people =
            ["ann@corp.example", "new@corp.example", "bob@corp.example"].map(str::to_owned);

        let plan = plan(&people, &directory.portals, &listed);

        let steps: Vec<_> = plan
            .steps
            .iter()
            .map(|step| (step.target.as_str(), step.action.clone()))
            .collect();
        assert_eq!(
            steps,
            [
                ("a9", Action::Delete),
                ("a1", Action::Suspend),
                ("a2", Action::Suspend)
            ],
            "one action's steps together, for batches"
        );
        assert_eq!(
            plan.steps[0].why,
            "offboarding; an invitation not accepted yet is cancelled"
        );
    }

    #[test]
    fn suspends_or_deletes_every_account_of_the_person_once() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let jane = |portal: &str, id: &str| UserRecord {
            email: Some("jane@corp.example".into()),
            ..user(portal, id)
        };
        let listed = vec![
            (portal("at"), vec![jane("at", "a1"), user("at", "other")]),
            (portal("pp"), vec![jane("pp", "p1")]),
            (
                portal("lm"),
                vec![
                    jane("lm", "7"),
                    UserRecord {
                        status: UserStatus::Suspended,
                        ..jane("lm", "8")
                    },
                ],
            ),
        ];

        let plan = plan(&["jane@corp.example".into()], &directory.portals, &listed);

        let steps = plan.step_targets();
        assert_eq!(
            steps,
            [
                ("at", "a1", Action::Suspend),
                ("pp", "p1", Action::Delete),
                ("lm", "7", Action::Suspend),
            ],
            "the already suspended account is left alone"
        );
        assert!(
            plan.steps
                .iter()
                .all(|step| step.user == "jane@corp.example")
        );
        assert_eq!(plan.steps[1].why, "offboarding; the vendor cannot suspend");
        assert_eq!(
            plan.skipped,
            [(
                "tl".to_owned(),
                "threatlocker's API does not offer list users, so jane@corp.example can not be looked up there; check it by hand".to_owned()
            )]
        );
        assert!(
            super::plan(
                &["nobody@corp.example".into()],
                &directory.portals[1..],
                &listed
            )
            .is_empty(),
            "a person with no account plans nothing"
        );
    }

    #[test]
    fn many_people_are_planned_portal_by_portal() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let person = |portal: &str, id: &str, email: &str| UserRecord {
            email: Some(email.into()),
            ..user(portal, id)
        };
        let listed = vec![
            (
                portal("at"),
                vec![
                    person("at", "a1", "bob@corp.example"),
                    person("at", "a2", "stays@corp.example"),
                    person("at", "a3", "jane@corp.example"),
                ],
            ),
            (portal("lm"), vec![person("lm", "7", "jane@corp.example")]),
        ];
        let people = [
            "jane@corp.example".to_owned(),
            "bob@corp.example".to_owned(),
        ];

        let plan = plan(&people, &directory.portals, &listed);

        let steps: Vec<_> = plan
            .steps
            .iter()
            .map(|step| {
                (
                    step.portal.as_str(),
                    step.user.as_str(),
                    step.target.as_str(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("at", "bob@corp.example", "a1"),
                ("at", "jane@corp.example", "a3"),
                ("lm", "jane@corp.example", "7"),
            ]
        );
        assert_eq!(
            plan.skipped[0].1,
            "threatlocker's API does not offer list users, so these 2 people can not be looked up there; check it by hand"
        );
    }
}
