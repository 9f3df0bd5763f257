//! Running a parsed command line: find the portals (or start the built-in sandbox), check
//! the input, work the portals concurrently, print, and decide the exit code.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::Utc;

use crate::builtin::{self, Sizes};
use crate::capability::{Operation, supports, unsupported};
use crate::cli::{Cli, Command, GroupsCommand};
use crate::config::{self, Config, Vendor};
use crate::directory::{Action, Connected, Connection, Directory, Listing, offboard_action};
use crate::exit::{Done, Stop};
use crate::journal::{Entry, Journal, Outcome};
use crate::output::{Format, write_records, write_table};
use crate::plan::{Plan, Step};
use crate::record::{UserRecord, UserStatus};
use crate::vendors;

/// Runs the command line. `Err` means nothing was done.
pub async fn run(cli: Cli) -> Result<Done, Stop> {
    if matches!(cli.command, Command::Sandbox) {
        return serve().await;
    }
    check_input(&cli.command)?;
    let (config, sandbox) = if let Some(path) = locate_config(cli.config.as_deref())? {
        (load(&path)?, None)
    } else {
        let (config, running) = start_builtin().await?;
        (config, Some(running))
    };
    let directory = Directory::connect(&config).map_err(|error| Stop::Usage(error.to_string()))?;
    check_portals(&cli.command, &directory)?;
    let context = Context {
        directory: &directory,
        format: cli.format.into(),
        apply: cli.apply,
        journal: cli.journal.unwrap_or_else(default_journal_path),
    };
    let done = context.command(cli.command).await;
    if let Some(running) = sandbox {
        running.shutdown().await;
    }
    done
}

/// Starts the built-in sandbox and says so on stderr, in one line.
async fn start_builtin() -> Result<(Config, builtin::Running), Stop> {
    let running = builtin::start(Sizes::default())
        .await
        .map_err(|error| Stop::Failure(format!("could not start the sandbox: {error}")))?;
    let config = running
        .config()
        .map_err(|error| Stop::Failure(error.to_string()))?;
    eprintln!(
        "portalctl: no portals configured (--config, PORTALCTL_CONFIG or {}); using the built-in sandbox of all four vendors",
        default_config_path().map_or_else(
            || "the config dir".to_owned(),
            |path| path.display().to_string()
        )
    );
    Ok((config, running))
}

/// Rejects malformed input before any configuration is read or request sent.
fn check_input(command: &Command) -> Result<(), Stop> {
    let email = |value: &str| {
        core_http::validate::email("EMAIL", value)
            .map_err(|_| Stop::Usage(format!("`{value}` is not an email address")))
    };
    let name = |field: &str, value: &str| {
        if value.trim().is_empty() {
            Err(Stop::Usage(format!("{field} must not be empty")))
        } else {
            Ok(())
        }
    };
    match command {
        Command::Offboard { email: address } => email(address),
        Command::Invite {
            email: address,
            role,
            ..
        } => {
            email(address)?;
            name("--role", role)
        }
        Command::SuspendInactive {
            group: Some(group), ..
        } => name("--group", group),
        Command::Groups {
            command:
                GroupsCommand::Create { name: group, .. } | GroupsCommand::Delete { name: group, .. },
        } => name("NAME", group),
        Command::Groups {
            command: GroupsCommand::Move {
                email: address, to, ..
            },
        } => {
            email(address)?;
            name("--to", to)
        }
        _ => Ok(()),
    }
}

/// Rejects portal names that are not configured, and options that do not fit the portal.
fn check_portals(command: &Command, directory: &Directory) -> Result<(), Stop> {
    let known = |name: &str| {
        directory.get(name).ok_or_else(|| {
            let names: Vec<_> = directory.portals.iter().map(|p| p.name.as_str()).collect();
            Stop::Usage(format!(
                "unknown portal `{name}` (configured: {})",
                names.join(", ")
            ))
        })
    };
    let portal = match command {
        Command::Users { portal } => portal.as_deref(),
        Command::Groups {
            command:
                GroupsCommand::List { portal }
                | GroupsCommand::Create { portal, .. }
                | GroupsCommand::Delete { portal, .. }
                | GroupsCommand::Move { portal, .. },
        } => {
            if let Some(name) = portal {
                let connected = known(name)?;
                if !supports(connected.vendor, Operation::Groups) {
                    return Err(Stop::Usage(format!(
                        "portal `{name}`: {}",
                        unsupported(connected.vendor, Operation::Groups)
                    )));
                }
            }
            None
        }
        Command::Invite {
            portal,
            all_child_orgs,
            ..
        } => {
            let connected = known(portal)?;
            if *all_child_orgs && connected.vendor != Vendor::Threatlocker {
                return Err(Stop::Usage(format!(
                    "--all-child-orgs is for ThreatLocker portals; `{portal}` is {}",
                    connected.vendor
                )));
            }
            if !supports(connected.vendor, Operation::Invite) {
                return Err(Stop::Usage(unsupported(
                    connected.vendor,
                    Operation::Invite,
                )));
            }
            None
        }
        _ => None,
    };
    portal.map(known).transpose().map(drop)
}

/// The portals file to use: `--config`, else `PORTALCTL_CONFIG` (both must exist), else
/// the default path if it exists, else none (the built-in sandbox).
fn locate_config(flag: Option<&Path>) -> Result<Option<PathBuf>, Stop> {
    let explicit = flag
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("PORTALCTL_CONFIG").map(PathBuf::from));
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(Some(path))
        } else {
            Err(Stop::Usage(format!(
                "config file `{}` does not exist",
                path.display()
            )))
        };
    }
    Ok(default_config_path().filter(|path| path.is_file()))
}

fn default_config_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("portalctl").join("config.toml"))
}

/// `--journal`'s default: the platform state dir, else the current directory.
fn default_journal_path() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("state"))
        })
        .map_or_else(
            || PathBuf::from("portalctl-journal.jsonl"),
            |base| base.join("portalctl").join("journal.jsonl"),
        )
}

fn load(path: &Path) -> Result<Config, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Stop::Usage(format!("config file `{}`: {error}", path.display())))?;
    config::parse(&text, &|name| std::env::var(name).ok())
        .map_err(|error| Stop::Usage(format!("config file `{}`: {error}", path.display())))
}

/// `value` as one POSIX shell word: single-quoted, each `'` written as `'\''`.
fn shell_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// `portalctl sandbox`: serve until Ctrl-C.
async fn serve() -> Result<Done, Stop> {
    let running = builtin::start(Sizes::default())
        .await
        .map_err(|error| Stop::Failure(format!("could not start the sandbox: {error}")))?;
    let mut out = io::stdout().lock();
    let print = |out: &mut dyn Write| -> io::Result<()> {
        writeln!(out, "Sandbox running on loopback (Ctrl-C to stop).\n")?;
        for (vendor, url) in running.base_urls() {
            writeln!(out, "  {vendor:<16}{url}")?;
        }
        writeln!(out, "\nCredentials (throwaway, sandbox only):\n")?;
        for (variable, value) in running.credentials() {
            writeln!(out, "  export {variable}={}", shell_quoted(value))?;
        }
        writeln!(
            out,
            "\nA portals file (save as portalctl.toml, then `portalctl --config portalctl.toml audit`):\n"
        )?;
        writeln!(out, "{}", running.config_toml())?;
        out.flush()
    };
    print(&mut out).map_err(|error| Stop::Failure(error.to_string()))?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .map_err(|error| Stop::Failure(error.to_string()))?;
    running.shutdown().await;
    Ok(Done::Complete)
}

struct Context<'a> {
    directory: &'a Directory,
    format: Format,
    apply: bool,
    journal: PathBuf,
}

fn report_failure(portal: &str, reason: &str) {
    eprintln!("portalctl: portal `{portal}` failed: {reason}");
}

fn report_note(portal: &str, note: &str) {
    eprintln!("portalctl: portal `{portal}`: {note}");
}

fn io_stop(error: &io::Error) -> Stop {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Stop::OutputClosed
    } else {
        Stop::Failure(format!("could not write output: {error}"))
    }
}

impl Context<'_> {
    async fn command(&self, command: Command) -> Result<Done, Stop> {
        match command {
            Command::Portals => self.portals().await,
            Command::Users { portal } => self.users(portal.as_deref(), None).await,
            Command::Audit { inactive_days } => self.users(None, Some(inactive_days)).await,
            Command::Offboard { email } => self.offboard(&email.to_lowercase()).await,
            Command::SuspendInactive { days, group } => {
                self.suspend_inactive(days, group.as_deref()).await
            }
            Command::Invite {
                email,
                portal,
                role,
                all_child_orgs,
            } => {
                self.invite(&email.to_lowercase(), &portal, &role, all_child_orgs)
                    .await
            }
            Command::Groups { command } => self.groups(command).await,
            Command::Sandbox => serve().await,
        }
    }

    async fn portals(&self) -> Result<Done, Stop> {
        let checks = futures_util::future::join_all(
            self.directory
                .portals
                .iter()
                .map(|portal| async move { (portal, portal.check().await) }),
        )
        .await;
        let failed = checks.iter().filter(|(_, result)| result.is_err()).count();
        let mut out = io::stdout().lock();
        if self.format == Format::Json {
            let value: Vec<_> = checks
                .iter()
                .map(|(portal, result)| {
                    serde_json::json!({
                        "portal": portal.name,
                        "vendor": portal.vendor,
                        "ok": result.is_ok(),
                        "detail": match result { Ok(detail) | Err(detail) => detail },
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &value)
                .map_err(|error| Stop::Failure(error.to_string()))?;
            writeln!(out).map_err(|error| io_stop(&error))?;
        } else {
            let header = ["PORTAL", "VENDOR", "STATUS", "DETAIL"].map(str::to_owned);
            let rows: Vec<Vec<String>> = checks
                .iter()
                .map(|(portal, result)| {
                    let (status, detail) = match result {
                        Ok(detail) => ("ok", detail),
                        Err(reason) => ("failed", reason),
                    };
                    vec![
                        portal.name.clone(),
                        portal.vendor.to_string(),
                        status.to_owned(),
                        detail.clone(),
                    ]
                })
                .collect();
            write_table(&mut out, &header, &rows).map_err(|error| io_stop(&error))?;
        }
        Ok(Done::from_counts(checks.len(), failed))
    }

    /// Lists the portals; failures and unsupported portals go to stderr.
    async fn collect(
        &self,
        only: Option<&str>,
    ) -> (Vec<(&Connected, Vec<UserRecord>)>, usize, usize) {
        let listings = self.directory.list(only).await;
        let worked = listings.len();
        let mut failed = 0;
        let mut users = Vec::new();
        for (portal, listing) in listings {
            match listing {
                Listing::Users(records) => users.push((portal, records)),
                Listing::Unsupported(reason) => {
                    report_note(&portal.name, &format!("not listed: {reason}"));
                }
                Listing::Failed(reason) => {
                    failed += 1;
                    report_failure(&portal.name, &reason);
                }
            }
        }
        (users, worked, failed)
    }

    async fn users(&self, only: Option<&str>, inactive_days: Option<u32>) -> Result<Done, Stop> {
        let (listed, worked, failed) = self.collect(only).await;
        let now = Utc::now();
        let mut records: Vec<UserRecord> =
            listed.into_iter().flat_map(|(_, users)| users).collect();
        if let Some(days) = inactive_days {
            for record in &mut records {
                record.inactive = record.last_login.is_idle(now, days);
            }
        }
        write_records(&mut io::stdout().lock(), &records, self.format)
            .map_err(|error| io_stop(&error))?;
        if let Some(days) = inactive_days {
            let inactive = records.iter().filter(|record| record.inactive).count();
            eprintln!(
                "portalctl: {} accounts, {inactive} inactive for more than {days} days",
                records.len()
            );
        }
        Ok(Done::from_counts(worked, failed))
    }

    async fn offboard(&self, email: &str) -> Result<Done, Stop> {
        let (listed, worked, failed) = self.collect(None).await;
        let mut plan = Plan::default();
        for portal in &self.directory.portals {
            if !supports(portal.vendor, Operation::List) {
                plan.skipped.push((
                    portal.name.clone(),
                    format!(
                        "{}, so {email} can not be looked up there; check it by hand",
                        unsupported(portal.vendor, Operation::List)
                    ),
                ));
            }
        }
        for (portal, users) in &listed {
            let Some(action) = offboard_action(portal.vendor) else {
                plan.skipped.push((
                    portal.name.clone(),
                    unsupported(portal.vendor, Operation::Delete),
                ));
                continue;
            };
            for user in users
                .iter()
                .filter(|user| user.email.as_deref() == Some(email))
            {
                if action == Action::Suspend && user.status == UserStatus::Suspended {
                    continue;
                }
                let why = if action == Action::Suspend {
                    "offboarding; suspension is reversible"
                } else {
                    "offboarding; the vendor cannot suspend"
                };
                plan.steps.push(step(portal, email, &user.id, &action, why));
            }
        }
        self.carry_out(&plan)
            .await
            .map(|done| done.and(Done::from_counts(worked, failed)))
    }

    async fn suspend_inactive(&self, days: u32, group: Option<&str>) -> Result<Done, Stop> {
        let (listed, worked, failed) = self.collect(None).await;
        let now = Utc::now();
        let mut plan = Plan::default();
        for (portal, users) in &listed {
            if !supports(portal.vendor, Operation::Suspend) {
                plan.skipped.push((
                    portal.name.clone(),
                    unsupported(portal.vendor, Operation::Suspend),
                ));
                continue;
            }
            let can_move = group.is_some() && supports(portal.vendor, Operation::Groups);
            if group.is_some() && !can_move {
                plan.skipped.push((
                    portal.name.clone(),
                    format!(
                        "{}; suspending without moving",
                        unsupported(portal.vendor, Operation::Groups)
                    ),
                ));
            }
            for user in users {
                if user.status != UserStatus::Active || !user.last_login.is_idle(now, days) {
                    continue;
                }
                let who = user.email.clone().unwrap_or_else(|| user.id.clone());
                let why = format!(
                    "last login {}, idle more than {days} days",
                    user.last_login.display()
                );
                if let Some(group) = group.filter(|_| can_move)
                    && user.groups != [group]
                {
                    let action = Action::MoveToGroup(group.to_owned());
                    plan.steps.push(step(portal, &who, &user.id, &action, &why));
                }
                plan.steps
                    .push(step(portal, &who, &user.id, &Action::Suspend, &why));
            }
        }
        self.carry_out(&plan)
            .await
            .map(|done| done.and(Done::from_counts(worked, failed)))
    }

    async fn invite(
        &self,
        email: &str,
        portal_name: &str,
        role: &str,
        all_children: bool,
    ) -> Result<Done, Stop> {
        let Some(portal) = self.directory.get(portal_name) else {
            return Err(Stop::Usage(format!("unknown portal `{portal_name}`")));
        };
        let action = Action::Invite(role.to_owned());
        if all_children && let Connection::Threatlocker(client) = &portal.connection {
            return self.invite_children(portal, client, email, role).await;
        }
        let mut plan = Plan::default();
        let already = match portal.list().await {
            Listing::Users(users) => users
                .iter()
                .any(|user| user.email.as_deref() == Some(email)),
            Listing::Unsupported(_) => self.journal_done(portal_name, email, &action.label()),
            Listing::Failed(reason) => {
                report_failure(portal_name, &reason);
                return Ok(Done::Failed);
            }
        };
        if !already {
            plan.steps
                .push(step(portal, email, email, &action, "requested"));
        }
        self.carry_out(&plan).await
    }

    /// Whether the journal records `action` on `user` in `portal` as done.
    fn journal_done(&self, portal: &str, user: &str, action: &str) -> bool {
        Journal::read(&self.journal).is_ok_and(|entries| {
            entries.iter().any(|entry| {
                entry.portal == portal
                    && entry.user == user
                    && entry.action == action
                    && entry.outcome == Outcome::Done
            })
        })
    }

    async fn invite_children(
        &self,
        portal: &Connected,
        client: &threatlocker_client::Client,
        email: &str,
        role: &str,
    ) -> Result<Done, Stop> {
        let children = match vendors::threatlocker::children(client).await {
            Ok(children) => children,
            Err(reason) => {
                report_failure(&portal.name, &reason);
                return Ok(Done::Failed);
            }
        };
        let done: HashSet<String> = Journal::read(&self.journal)
            .map(|entries| {
                entries
                    .into_iter()
                    .filter(|entry| {
                        entry.portal == portal.name
                            && entry.user == email
                            && entry.outcome == Outcome::Done
                    })
                    .map(|entry| entry.action)
                    .collect()
            })
            .unwrap_or_default();
        let label = |organization: &threatlocker_client::Uuid| {
            format!("invite as {role} into {organization}")
        };
        let todo: Vec<_> = children
            .into_iter()
            .filter(|child| !done.contains(&label(child)))
            .collect();
        let plan = Plan {
            steps: todo
                .iter()
                .map(|child| Step {
                    portal: portal.name.clone(),
                    user: email.to_owned(),
                    target: child.to_string(),
                    action: label(child),
                    why: "child organization; role resolved by name there".to_owned(),
                })
                .collect(),
            skipped: Vec::new(),
        };
        plan.print(&mut io::stdout().lock())
            .map_err(|error| io_stop(&error))?;
        if !self.apply || plan.is_empty() {
            return Ok(self.dry_run_note(&plan));
        }
        self.apply_fan_out(portal, client, &plan, &todo, role).await
    }

    /// Runs a planned ThreatLocker fan-out (one step per organization, in `todo`'s order)
    /// through `invite_across`, journaling every organization before and after.
    async fn apply_fan_out(
        &self,
        portal: &Connected,
        client: &threatlocker_client::Client,
        plan: &Plan,
        todo: &[threatlocker_client::Uuid],
        role: &str,
    ) -> Result<Done, Stop> {
        let email = plan.steps.first().map_or("", |step| step.user.as_str());
        let mut journal = self.open_journal()?;
        let entry = |step: &Step, outcome, detail| Entry {
            time: Utc::now(),
            portal: step.portal.clone(),
            user: step.user.clone(),
            action: step.action.clone(),
            outcome,
            detail,
        };
        for step in &plan.steps {
            journal
                .append(&entry(step, Outcome::Started, None))
                .map_err(|error| journal_stop(&error))?;
        }
        let spinner = crate::progress::spinner(&format!(
            "inviting {email} into {} organizations",
            todo.len()
        ));
        let result = vendors::threatlocker::invite_across(client, email, role, todo).await;
        spinner.finish_and_clear();
        let report = match result {
            Ok(report) => report,
            Err(reason) => {
                for step in &plan.steps {
                    journal
                        .append(&entry(step, Outcome::Failed, Some(reason.clone())))
                        .map_err(|error| journal_stop(&error))?;
                }
                report_failure(&portal.name, &reason);
                return Ok(Done::Failed);
            }
        };
        let mut invited = 0;
        for (step, result) in plan.steps.iter().zip(&report.results) {
            let (outcome, detail) = match &result.outcome {
                threatlocker_client::InviteOutcome::Invited { .. } => {
                    invited += 1;
                    (Outcome::Done, None)
                }
                threatlocker_client::InviteOutcome::RoleNotFound { .. } => (
                    Outcome::Failed,
                    Some(format!("no role named `{role}` in this organization")),
                ),
                threatlocker_client::InviteOutcome::Failed(error) => {
                    (Outcome::Failed, Some(error.to_string()))
                }
            };
            if let Some(detail) = &detail {
                report_note(
                    &portal.name,
                    &format!("organization {}: not invited: {detail}", step.target),
                );
            }
            journal
                .append(&entry(step, outcome, detail))
                .map_err(|error| journal_stop(&error))?;
        }
        let total = plan.steps.len();
        println!(
            "Invited {email} into {invited} of {total} organizations; {} not invited (reported on stderr). Journal: {}",
            total - invited,
            journal.path().display()
        );
        Ok(Done::from_counts(total, total - invited))
    }

    async fn groups(&self, command: GroupsCommand) -> Result<Done, Stop> {
        let portal_filter = match &command {
            GroupsCommand::List { portal }
            | GroupsCommand::Create { portal, .. }
            | GroupsCommand::Delete { portal, .. }
            | GroupsCommand::Move { portal, .. } => portal.clone(),
        };
        let selected: Vec<_> = self
            .directory
            .portals
            .iter()
            .filter(|portal| {
                portal_filter
                    .as_ref()
                    .is_none_or(|name| &portal.name == name)
            })
            .collect();
        let mut plan = Plan::default();
        let mut rows = Vec::new();
        let (mut worked, mut failed) = (0, 0);
        for portal in selected {
            let Connection::Logicmonitor(client) = &portal.connection else {
                if portal_filter.is_some() {
                    plan.skipped.push((
                        portal.name.clone(),
                        unsupported(portal.vendor, Operation::Groups),
                    ));
                }
                continue;
            };
            worked += 1;
            let groups = match vendors::logicmonitor::groups(client).await {
                Ok(groups) => groups,
                Err(reason) => {
                    failed += 1;
                    report_failure(&portal.name, &reason);
                    continue;
                }
            };
            if let Err(reason) = plan_groups(portal, &groups, &command, &mut plan, &mut rows).await
            {
                failed += 1;
                report_failure(&portal.name, &reason);
            }
        }
        let listing = Done::from_counts(worked, failed);
        if matches!(command, GroupsCommand::List { .. }) {
            let header = ["PORTAL", "ID", "NAME", "DESCRIPTION"].map(str::to_owned);
            write_table(&mut io::stdout().lock(), &header, &rows)
                .map_err(|error| io_stop(&error))?;
            return Ok(listing);
        }
        self.carry_out(&plan).await.map(|done| done.and(listing))
    }

    fn open_journal(&self) -> Result<Journal, Stop> {
        Journal::open(&self.journal).map_err(|error| {
            Stop::Failure(format!("journal `{}`: {error}", self.journal.display()))
        })
    }

    fn dry_run_note(&self, plan: &Plan) -> Done {
        if !plan.is_empty() && !self.apply {
            eprintln!("portalctl: dry run, nothing changed; add --apply to carry out this plan");
        }
        Done::Complete
    }

    /// Prints the plan; with `--apply`, runs it step by step with the journal.
    async fn carry_out(&self, plan: &Plan) -> Result<Done, Stop> {
        plan.print(&mut io::stdout().lock())
            .map_err(|error| io_stop(&error))?;
        if !self.apply || plan.is_empty() {
            return Ok(self.dry_run_note(plan));
        }
        let mut journal = self.open_journal()?;
        let directory = self.directory;
        let applied = plan
            .apply(&mut journal, |step| {
                let portal = directory.get(&step.portal);
                let action = Action::from_label(&step.action);
                let target = step.target.clone();
                async move {
                    match (portal, action) {
                        (Some(portal), Some(action)) => portal.act(&action, &target).await,
                        _ => Err("the plan names an unknown portal or action".to_owned()),
                    }
                }
            })
            .await
            .map_err(|error| journal_stop(&error))?;
        for (step, reason) in &applied.failed {
            report_failure(
                &step.portal,
                &format!("{} {}: {reason}", step.action, step.user),
            );
        }
        println!(
            "Applied {} of {} actions. Journal: {}",
            applied.done,
            plan.steps.len(),
            journal.path().display()
        );
        Ok(Done::from_counts(plan.steps.len(), applied.failed.len()))
    }
}

/// Adds one LogicMonitor portal's part of a `groups` command to the plan (or, for
/// `list`, to the rows).
async fn plan_groups(
    portal: &Connected,
    groups: &[logicmonitor_client::AdminGroup],
    command: &GroupsCommand,
    plan: &mut Plan,
    rows: &mut Vec<Vec<String>>,
) -> Result<(), String> {
    let exists = |name: &str| {
        groups
            .iter()
            .any(|group| group.name.as_deref() == Some(name))
    };
    match command {
        GroupsCommand::List { .. } => rows.extend(groups.iter().map(|group| {
            vec![
                portal.name.clone(),
                group.id.to_string(),
                group.name.clone().unwrap_or_default(),
                group.description.clone().unwrap_or_default(),
            ]
        })),
        GroupsCommand::Create { name, .. } if !exists(name) => {
            let action = Action::CreateGroup(name.clone());
            plan.steps
                .push(step(portal, name, name, &action, "requested"));
        }
        GroupsCommand::Delete { name, .. } if exists(name) => {
            let action = Action::DeleteGroup(name.clone());
            plan.steps
                .push(step(portal, name, name, &action, "requested"));
        }
        GroupsCommand::Move { email, to, .. } => match portal.list().await {
            Listing::Users(users) => {
                let email = email.to_lowercase();
                let action = Action::MoveToGroup(to.clone());
                for user in users
                    .iter()
                    .filter(|user| user.email.as_deref() == Some(email.as_str()))
                    .filter(|user| user.groups != [to.as_str()])
                {
                    plan.steps
                        .push(step(portal, &email, &user.id, &action, "requested"));
                }
            }
            Listing::Unsupported(reason) | Listing::Failed(reason) => return Err(reason),
        },
        _ => {}
    }
    Ok(())
}

fn journal_stop(error: &io::Error) -> Stop {
    Stop::Failure(format!("could not write the journal: {error}"))
}

fn step(portal: &Connected, user: &str, target: &str, action: &Action, why: &str) -> Step {
    Step {
        portal: portal.name.clone(),
        user: user.to_owned(),
        target: target.to_owned(),
        action: action.label(),
        why: why.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_reach_the_shell_unchanged() {
        for value in ["plain", "it's", "'", "a'b'c", "$HOME `x` \\ \"q\" ~!["] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell_quoted(value)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8(out.stdout).unwrap(), value);
        }
    }
}
