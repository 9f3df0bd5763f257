//! `invite EMAIL --portal P --role R [--all-child-orgs]`: invite a person into one portal
//! with a role, or (ThreatLocker) into every child organization with the role of that
//! name in each. Where the portal can not be listed to see who is already there, the
//! journal's finished invitations are skipped instead, so a re-run repeats nothing.

use std::collections::HashSet;

use uuid::Uuid;

use crate::commands::{check_email, check_name};
use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::journal::Entry;
use crate::plan::{Action, Plan, Step};
use crate::portal::{Listing, Operation, unsupported};
use crate::runner::Runner;
use crate::{progress, report};

/// Refuses a malformed address or an empty role.
pub fn check_input(email: &str, role: &str) -> Result<(), Stop> {
    check_email(email)?;
    check_name("--role", role)
}

/// Refuses a portal that can not invite, or `--all-child-orgs` where there are none.
pub fn check_portals(portal: &Connected, all_child_orgs: bool) -> Result<(), Stop> {
    if all_child_orgs && !portal.supports(Operation::ChildOrganizations) {
        return Err(Stop::Usage(format!(
            "--all-child-orgs is for ThreatLocker portals; `{}` is {}",
            portal.name,
            portal.vendor()
        )));
    }
    if !portal.supports(Operation::Invite) {
        return Err(Stop::Usage(unsupported(portal.vendor(), Operation::Invite)));
    }
    Ok(())
}

/// Plans and (with `--apply`) carries out the invitation of `email` (lower-cased).
pub async fn run(
    runner: &Runner<'_>,
    email: &str,
    portal_name: &str,
    role: &str,
    all_child_orgs: bool,
) -> Result<Done, Stop> {
    let Some(portal) = runner.directory().get(portal_name) else {
        return Err(Stop::Usage(format!("unknown portal `{portal_name}`")));
    };
    if all_child_orgs {
        return run_children(runner, portal, email, role).await;
    }
    let Some(listing) = runner.list_one(portal).await else {
        return Ok(Done::Failed);
    };
    runner
        .carry_out(&plan(
            portal,
            email,
            role,
            &listing,
            &runner.journal_entries(),
        ))
        .await
}

/// One invitation step, unless `email` is already in the listed users or, where the
/// portal lists none, the journal records the invitation as done.
pub fn plan(
    portal: &Connected,
    email: &str,
    role: &str,
    listing: &Listing,
    journal: &[Entry],
) -> Plan {
    let action = Action::Invite(role.to_owned());
    let already = match listing {
        Listing::Users(users) | Listing::Partial { users, .. } => users
            .iter()
            .any(|user| user.email.as_deref() == Some(email)),
        Listing::Unlisted { .. } => journal
            .iter()
            .any(|entry| entry.is_done(&portal.name, email) && entry.action == action),
    };
    let mut plan = Plan::default();
    if !already {
        plan.steps.push(Step {
            portal: portal.name.clone(),
            user: email.to_owned(),
            target: email.to_owned(),
            action,
            why: "requested".to_owned(),
            undo: None,
        });
    }
    plan
}

/// One invitation per child organization the journal does not record as done.
pub fn plan_children(
    portal: &Connected,
    email: &str,
    role: &str,
    children: &[Uuid],
    journal: &[Entry],
) -> Plan {
    let done: HashSet<&Action> = journal
        .iter()
        .filter(|entry| entry.is_done(&portal.name, email))
        .map(|entry| &entry.action)
        .collect();
    let steps = children
        .iter()
        .map(|child| Action::InviteInto {
            role: role.to_owned(),
            organization: *child,
        })
        .filter(|action| !done.contains(action))
        .map(|action| Step {
            portal: portal.name.clone(),
            user: email.to_owned(),
            target: email.to_owned(),
            action,
            why: "child organization; role resolved by name there".to_owned(),
            undo: None,
        })
        .collect();
    Plan {
        steps,
        ..Plan::default()
    }
}

/// The fan-out over child organizations, carried out as one batch.
async fn run_children(
    runner: &Runner<'_>,
    portal: &Connected,
    email: &str,
    role: &str,
) -> Result<Done, Stop> {
    let children = match portal.child_organizations().await {
        Ok(children) => children,
        Err(error) => {
            report::failure(&portal.name, &error.to_string());
            return Ok(Done::Failed);
        }
    };
    let plan = plan_children(portal, email, role, &children, &runner.journal_entries());
    if !runner.show(&plan)? {
        return Ok(Done::Complete);
    }
    let total = plan.steps.len();
    let spinner = progress::spinner(&format!("inviting {email} into {total} organizations"));
    let applied = runner.apply_together(portal, &plan).await;
    spinner.finish_and_clear();
    let Ok(applied) = applied? else {
        return Ok(Done::Failed);
    };
    for (step, reason) in &applied.failed {
        if let Action::InviteInto { organization, .. } = &step.action {
            report::note(
                &portal.name,
                &format!("organization {organization}: not invited: {reason}"),
            );
        }
    }
    println!(
        "Invited {email} into {} of {total} organizations; {} not invited (reported on stderr). Journal: {}",
        applied.done,
        applied.failed.len(),
        runner.journal_path().display()
    );
    Ok(Done::from_counts(total, applied.failed.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::journal::Outcome;
    use crate::record::tests::{now, user};

    fn done(portal: &str, user: &str, action: Action) -> Entry {
        Entry {
            time: now(),
            portal: portal.into(),
            user: user.into(),
            action,
            undo: None,
            outcome: Outcome::Done,
            detail: None,
        }
    }

    #[test]
    fn invites_only_who_is_not_there_yet() {
        let directory = four();
        let lm = directory.get("lm").unwrap();
        let listing = Listing::Users(vec![user("lm", "jane")]);

        assert!(plan(lm, "jane@corp.example", "admin", &listing, &[]).is_empty());
        let invited = plan(lm, "new@corp.example", "admin", &listing, &[]);
        assert_eq!(
            invited.steps,
            [Step {
                portal: "lm".into(),
                user: "new@corp.example".into(),
                target: "new@corp.example".into(),
                action: Action::Invite("admin".into()),
                why: "requested".into(),
                undo: None,
            }]
        );

        // Unlisted: the journal decides, for this portal, address and role only.
        let tl = directory.get("tl").unwrap();
        let unlisted = Listing::Unlisted {
            child_organizations: Vec::new(),
        };
        let invite = Action::Invite("Technician".into());
        let journal = [
            done("tl", "new@corp.example", invite.clone()),
            done("other", "x@corp.example", invite.clone()),
        ];
        assert!(plan(tl, "new@corp.example", "Technician", &unlisted, &journal).is_empty());
        assert_eq!(
            plan(tl, "x@corp.example", "Technician", &unlisted, &journal)
                .steps
                .len(),
            1
        );
        assert_eq!(
            plan(tl, "new@corp.example", "Admin", &unlisted, &journal)
                .steps
                .len(),
            1
        );
    }

    #[test]
    fn a_rerun_skips_the_organizations_the_journal_records_as_done() {
        let directory = four();
        let tl = directory.get("tl").unwrap();
        let children: Vec<Uuid> = (1..=3)
            .map(|n| {
                format!("c4f6d1e2-0000-4000-8000-00000000000{n}")
                    .parse()
                    .unwrap()
            })
            .collect();
        let into = |child: Uuid| Action::InviteInto {
            role: "Technician".into(),
            organization: child,
        };
        let journal = [
            done("tl", "new@msp.example", into(children[1])),
            Entry {
                outcome: Outcome::Failed,
                ..done("tl", "new@msp.example", into(children[2]))
            },
        ];

        let plan = plan_children(tl, "new@msp.example", "Technician", &children, &journal);

        let actions: Vec<_> = plan.steps.iter().map(|step| step.action.clone()).collect();
        assert_eq!(actions, [into(children[0]), into(children[2])]);
        assert!(plan.steps.iter().all(|step| step.user == "new@msp.example"
            && step.why == "child organization; role resolved by name there"));
    }

    #[test]
    fn child_organizations_are_threatlocker_only() {
        let directory = four();
        let refused = check_portals(directory.get("at").unwrap(), true).unwrap_err();
        assert_eq!(
            refused,
            Stop::Usage(
                "--all-child-orgs is for ThreatLocker portals; `at` is allthenticate".into()
            )
        );
        assert!(check_portals(directory.get("tl").unwrap(), true).is_ok());
        assert!(check_portals(directory.get("lm").unwrap(), false).is_ok());
    }
}
