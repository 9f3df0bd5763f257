//! `groups list|create|delete|move`: user groups (LogicMonitor's), on every portal that
//! has them or on one. Create and delete only what is missing or present; a move makes
//! the group the person's only one.

use std::io;

use crate::cli::GroupsCommand;
use crate::commands::{check_email, check_name, known};
use crate::directory::{Connected, Directory};
use crate::exit::{Done, Stop};
use crate::output::write_table;
use crate::plan::{Action, Plan, Step};
use crate::portal::{Group, Listing, Operation, unsupported};
use crate::record::UserRecord;
use crate::report;
use crate::runner::Runner;

/// Refuses empty group names and a malformed address.
pub fn check_input(command: &GroupsCommand) -> Result<(), Stop> {
    match command {
        GroupsCommand::List { .. } => Ok(()),
        GroupsCommand::Create { name, .. } | GroupsCommand::Delete { name, .. } => {
            check_name("NAME", name)
        }
        GroupsCommand::Move { email, to, .. } => {
            check_email(email)?;
            check_name("--to", to)
        }
    }
}

/// Refuses a named portal that is not configured or has no user groups.
pub fn check_portals(command: &GroupsCommand, directory: &Directory) -> Result<(), Stop> {
    let Some(name) = only(command) else {
        return Ok(());
    };
    let portal = known(directory, name)?;
    if portal.supports(Operation::Groups) {
        Ok(())
    } else {
        Err(Stop::Usage(format!(
            "portal `{name}`: {}",
            unsupported(portal.vendor(), Operation::Groups)
        )))
    }
}

/// Lists the groups, or plans and (with `--apply`) carries out the change.
pub async fn run(runner: &Runner<'_>, command: &GroupsCommand) -> Result<Done, Stop> {
    let filter = only(command);
    let mut plan = Plan::default();
    let mut rows = Vec::new();
    let (mut worked, mut failed) = (0, 0);
    for portal in runner
        .directory()
        .portals
        .iter()
        .filter(|portal| filter.is_none_or(|name| portal.name == name))
    {
        if !portal.supports(Operation::Groups) {
            if filter.is_some() {
                plan.skipped.push((
                    portal.name.clone(),
                    unsupported(portal.vendor(), Operation::Groups),
                ));
            }
            continue;
        }
        worked += 1;
        let groups = match portal.groups().await {
            Ok(groups) => groups,
            Err(error) => {
                failed += 1;
                report::failure(&portal.name, &error.to_string());
                continue;
            }
        };
        let users = if matches!(command, GroupsCommand::Move { .. }) {
            match runner.list_one(portal).await {
                Some(Listing::Users(users) | Listing::Partial { users, .. }) => users,
                Some(Listing::Unlisted { .. }) => {
                    failed += 1;
                    report::failure(&portal.name, &unsupported(portal.vendor(), Operation::List));
                    continue;
                }
                None => {
                    failed += 1;
                    continue;
                }
            }
        } else {
            Vec::new()
        };
        if matches!(command, GroupsCommand::List { .. }) {
            rows.extend(table_rows(portal, &groups));
        } else {
            plan.steps.extend(steps(portal, &groups, &users, command));
        }
    }
    let listing = Done::from_counts(worked, failed);
    if matches!(command, GroupsCommand::List { .. }) {
        let header = ["PORTAL", "ID", "NAME", "DESCRIPTION"].map(str::to_owned);
        write_table(&mut io::stdout().lock(), &header, &rows)
            .map_err(|error| report::output_stop(&error))?;
        return Ok(listing);
    }
    runner.carry_out(&plan).await.map(|done| done.and(listing))
}

/// The portal the command is limited to, if any.
fn only(command: &GroupsCommand) -> Option<&str> {
    match command {
        GroupsCommand::List { portal }
        | GroupsCommand::Create { portal, .. }
        | GroupsCommand::Delete { portal, .. }
        | GroupsCommand::Move { portal, .. } => portal.as_deref(),
    }
}

/// One `groups list` row per group: portal, id, name, description.
pub fn table_rows(portal: &Connected, groups: &[Group]) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|group| {
            vec![
                portal.name.clone(),
                group.id.clone(),
                group.name.clone(),
                group.description.clone(),
            ]
        })
        .collect()
}

/// One portal's steps for a changing command, given its `groups` and (for a move) its
/// `users`: create a missing group, delete a present one, move each account of the
/// address not already in that group alone.
pub fn steps(
    portal: &Connected,
    groups: &[Group],
    users: &[UserRecord],
    command: &GroupsCommand,
) -> Vec<Step> {
    let exists = |name: &str| groups.iter().any(|group| group.name == name);
    let step = |user: &str, target: &str, action, undo| Step {
        portal: portal.name.clone(),
        user: user.to_owned(),
        target: target.to_owned(),
        action,
        why: "requested".to_owned(),
        undo,
    };
    match command {
        GroupsCommand::Create { name, .. } if !exists(name) => {
            vec![step(name, name, Action::CreateGroup(name.clone()), None)]
        }
        GroupsCommand::Delete { name, .. } if exists(name) => {
            vec![step(name, name, Action::DeleteGroup(name.clone()), None)]
        }
        GroupsCommand::Move { email, to, .. } => {
            let email = email.to_lowercase();
            users
                .iter()
                .filter(|user| user.email.as_deref() == Some(email.as_str()))
                .filter(|user| user.groups != [to.as_str()])
                .map(|user| {
                    let undo = Action::undoing_move(&user.groups, to);
                    step(&email, &user.id, Action::MoveToGroup(to.clone()), undo)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::tests::user;

    fn group(name: &str) -> Group {
        Group {
            id: "3".into(),
            name: name.into(),
            description: String::new(),
        }
    }

    #[test]
    fn creates_the_missing_and_deletes_the_present() {
        let directory = four();
        let lm = directory.get("lm").unwrap();
        let groups = [group("Ops")];
        let create = |name: &str| GroupsCommand::Create {
            name: name.into(),
            portal: None,
        };
        let delete = |name: &str| GroupsCommand::Delete {
            name: name.into(),
            portal: None,
        };
        assert!(steps(lm, &groups, &[], &create("Ops")).is_empty());
        let created = steps(lm, &groups, &[], &create("Night Shift"));
        assert_eq!(created[0].action, Action::CreateGroup("Night Shift".into()));
        assert_eq!(
            (created[0].user.as_str(), created[0].target.as_str()),
            ("Night Shift", "Night Shift")
        );
        assert!(steps(lm, &groups, &[], &delete("Night Shift")).is_empty());
        assert_eq!(
            steps(lm, &groups, &[], &delete("Ops"))[0].action,
            Action::DeleteGroup("Ops".into())
        );
        assert_eq!(
            table_rows(lm, &groups),
            [["lm", "3", "Ops", ""]],
            "list rows"
        );
    }

    #[test]
    fn moves_each_account_of_the_address_not_already_there_alone() {
        let directory = four();
        let lm = directory.get("lm").unwrap();
        let jane = |id: &str, groups: &[&str]| UserRecord {
            email: Some("jane@corp.example".into()),
            groups: groups.iter().map(|&g| g.to_owned()).collect(),
            ..user("lm", id)
        };
        let users = [
            jane("1", &[]),
            jane("2", &["Ops", "Night Shift"]),
            jane("3", &["Night Shift"]),
            user("lm", "4"),
        ];
        let command = GroupsCommand::Move {
            email: "Jane@Corp.Example".into(),
            to: "Night Shift".into(),
            portal: None,
        };

        let moved: Vec<_> = steps(lm, &[], &users, &command)
            .into_iter()
            .map(|step| (step.user, step.target, step.action))
            .collect();

        let to = Action::MoveToGroup("Night Shift".into());
        assert_eq!(
            moved,
            [
                ("jane@corp.example".into(), "1".into(), to.clone()),
                ("jane@corp.example".into(), "2".into(), to),
            ]
        );
    }

    #[test]
    fn a_named_portal_without_groups_is_refused() {
        let directory = four();
        let list = |portal: &str| GroupsCommand::List {
            portal: Some(portal.into()),
        };
        assert_eq!(
            check_portals(&list("at"), &directory),
            Err(Stop::Usage(
                "portal `at`: allthenticate's API does not offer user groups".into()
            ))
        );
        assert!(check_portals(&list("lm"), &directory).is_ok());
    }
}
