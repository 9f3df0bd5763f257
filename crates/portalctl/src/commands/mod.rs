//! One module per command. To add a command, read one of these (`offboard.rs` is a good
//! model) and write the next the same way:
//!
//! 1. `check_input` (when the command takes values): refuse malformed input with a
//!    [`Stop::Usage`] naming the argument, before any configuration is read or request
//!    sent; a command that reads a file returns what it held as an [`Input`], which `run`
//!    gets (the file is read once). `check_portals` (when it names portals): refuse what the portals can not do,
//!    asking [`crate::portal::Portal::supports`], still before anything is sent.
//! 2. `plan`: a pure function from listed data (`&[UserRecord]` per portal, groups, the
//!    journal's entries, `now`) to a [`crate::plan::Plan`] of typed
//!    [`crate::plan::Action`]s, with unit tests that need no I/O.
//! 3. `run`: the thin runner. Read what the plan needs through the
//!    [`Runner`] ([`Runner::gather`] lists the portals), call `plan`, and hand the plan to
//!    [`Runner::carry_out`], which prints it and only with `--apply` acts and journals:
//!    a command never calls [`crate::portal::Portal::act`] itself.
//!
//! Then add the variant to [`crate::cli::Command`] and one arm to each function below.

pub mod audit;
pub mod diff;
pub mod groups;
pub mod invite;
pub mod offboard;
pub mod policy;
pub mod portals;
pub mod reactivate;
pub mod reconcile;
pub mod review;
pub mod sandbox;
pub mod snapshot;
pub mod suspend_inactive;
pub mod users;

use crate::cli::{Command, PolicyCommand};
use crate::directory::{Connected, Directory};
use crate::exit::{Done, Stop};
use crate::files;
use crate::output::Format;
use crate::people_file;
use crate::policy::Policy;
use crate::roster::Person;
use crate::runner::Runner;

/// What a command's files held: read and checked once, by [`check_input`], and handed to
/// [`run`], so that a file changed in between can not make the run differ from the check.
#[derive(Debug, Default)]
pub enum Input {
    /// The command reads no file.
    #[default]
    Nothing,
    /// The people of `offboard` or `reactivate` (lower-cased).
    People(Vec<String>),
    /// The roster of `reconcile`.
    Roster(Vec<Person>),
    /// The policy of `policy check|plan|apply` (boxed: it is much larger than the rest).
    Policy(Box<Policy>),
}

/// Rejects malformed input before any configuration is read or request sent, and returns
/// what the command's files held.
pub fn check_input(command: &Command) -> Result<Input, Stop> {
    let checked = match command {
        Command::Offboard { email, from } | Command::Reactivate { email, from, .. } => {
            return people_file::people(email.as_deref(), from.as_deref()).map(Input::People);
        }
        Command::Policy { command } => {
            return policy::load(command.policy()).map(|policy| Input::Policy(Box::new(policy)));
        }
        Command::Reconcile { roster } => return roster.read().map(Input::Roster),
        Command::Invite { email, role, .. } => invite::check_input(email, role),
        Command::SuspendInactive { group, .. } => suspend_inactive::check_input(group.as_deref()),
        Command::Groups { command } => groups::check_input(command),
        Command::Review { command } => review::check_input(command),
        Command::Snapshot { note, .. } => match note {
            Some(note) => check_name("--note", note),
            None => Ok(()),
        },
        Command::Portals
        | Command::Users { .. }
        | Command::Audit { .. }
        | Command::Sandbox
        | Command::Diff { .. } => Ok(()),
    };
    checked.map(|()| Input::Nothing)
}

/// Rejects portal names that are not configured, and options that do not fit the
/// portal, before anything is sent.
pub fn check_portals(command: &Command, directory: &Directory) -> Result<(), Stop> {
    match command {
        Command::Users { portal } => users::check_portals(portal.as_deref(), directory),
        Command::Groups { command } => groups::check_portals(command, directory),
        Command::Invite {
            portal,
            all_child_orgs,
            ..
        } => invite::check_portals(known(directory, portal)?, *all_child_orgs),
        Command::Portals
        | Command::Audit { .. }
        | Command::Offboard { .. }
        | Command::Reactivate { .. }
        | Command::Reconcile { .. }
        | Command::SuspendInactive { .. }
        | Command::Policy { .. }
        | Command::Sandbox
        | Command::Snapshot { .. }
        | Command::Diff { .. }
        | Command::Review { .. } => Ok(()),
    }
}

/// Runs `command` with `runner` and the `input` [`check_input`] read.
pub async fn run(command: Command, input: Input, runner: &Runner<'_>) -> Result<Done, Stop> {
    match (command, input) {
        (Command::Portals, _) => portals::run(runner).await,
        (Command::Users { portal }, _) => users::run(runner, portal.as_deref()).await,
        (Command::Audit { inactive_days }, _) => audit::run(runner, inactive_days).await,
        (Command::Offboard { .. }, Input::People(people)) => offboard::run(runner, &people).await,
        (Command::Reconcile { .. }, Input::Roster(roster)) => reconcile::run(runner, &roster).await,
        (Command::Reactivate { store, .. }, Input::People(people)) => {
            reactivate::run(runner, &people, &files::store_path(store.path)).await
        }
        (Command::SuspendInactive { days, group }, _) => {
            suspend_inactive::run(runner, days, group.as_deref()).await
        }
        (
            Command::Invite {
                email,
                portal,
                role,
                all_child_orgs,
            },
            _,
        ) => {
            invite::run(
                runner,
                &email.to_lowercase(),
                &portal,
                &role,
                all_child_orgs,
            )
            .await
        }
        (Command::Groups { command }, _) => groups::run(runner, &command).await,
        (Command::Policy { command }, Input::Policy(policy)) => {
            policy::run(runner, &command, &policy).await
        }
        (Command::Snapshot { note, store }, _) => {
            snapshot::run(runner, &files::store_path(store.path), note.as_deref()).await
        }
        (Command::Review { command }, _) => review::run_with_portals(&command, runner).await,
        (Command::Sandbox, _) => sandbox::run().await,
        (Command::Diff { from, to, store }, _) => {
            diff::run(&files::store_path(store.path), from, to, runner.format())
        }
        // Offboard, reactivate, reconcile and policy run only with what `check_input` read.
        (
            Command::Offboard { .. }
            | Command::Reactivate { .. }
            | Command::Reconcile { .. }
            | Command::Policy { .. },
            _,
        ) => Err(Stop::Failure(
            "the command's files were not read and checked before it ran".to_owned(),
        )),
    }
}

/// Runs `command` when it needs no portal (`sandbox`, `diff`, `review`): nothing is
/// configured or connected for it. `None` for the other commands.
pub async fn run_without_portals(command: &Command, format: Format) -> Option<Result<Done, Stop>> {
    Some(match command {
        Command::Sandbox => sandbox::run().await,
        Command::Diff { from, to, store } => {
            diff::run(&files::store_path(store.path.clone()), *from, *to, format)
        }
        Command::Review { command } if !review::needs_portals(command) => {
            review::run(command, format)
        }
        Command::Policy {
            command: PolicyCommand::Check { policy },
        } => policy::check(policy),
        _ => return None,
    })
}

/// The configured portal called `name`, or a usage error listing the configured ones.
pub(crate) fn known<'a>(directory: &'a Directory, name: &str) -> Result<&'a Connected, Stop> {
    directory.get(name).ok_or_else(|| {
        Stop::Usage(format!(
            "unknown portal `{name}` (configured: {})",
            directory.names().join(", ")
        ))
    })
}

/// Refuses `value` unless it is an email address.
pub(crate) fn check_email(value: &str) -> Result<(), Stop> {
    core_http::validate::email("EMAIL", value)
        .map(drop)
        .map_err(|_| Stop::Usage(format!("`{value}` is not an email address")))
}

/// Refuses an empty or blank `value` for the argument `field`.
pub(crate) fn check_name(field: &str, value: &str) -> Result<(), Stop> {
    if value.trim().is_empty() {
        Err(Stop::Usage(format!("{field} must not be empty")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_is_checked_per_command() {
        assert!(check_email("jane@corp.example").is_ok());
        assert_eq!(
            check_email("jane"),
            Err(Stop::Usage("`jane` is not an email address".into()))
        );
        assert_eq!(
            check_name("--group", "  "),
            Err(Stop::Usage("--group must not be empty".into()))
        );
        let directory = crate::directory::tests::four();
        assert_eq!(
            known(&directory, "nope").unwrap_err(),
            Stop::Usage("unknown portal `nope` (configured: tl, at, pp, lm)".into())
        );
    }
}
