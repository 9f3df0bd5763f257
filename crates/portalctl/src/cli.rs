//! The command line, as clap parses it.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::output::Format;

/// Cross-portal user lifecycle for ThreatLocker, Allthenticate, Whaly partner portals and
/// LogicMonitor. Without a portals file it runs against a built-in sandbox.
#[derive(Debug, Parser)]
#[command(name = "portalctl", version, about)]
pub struct Cli {
    /// The portals file (else `PORTALCTL_CONFIG`, else `$XDG_CONFIG_HOME/portalctl/config.toml`
    /// or `~/.config/portalctl/config.toml`; none: the built-in sandbox).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Output format for people.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Where applied actions are journaled (default `$XDG_STATE_HOME/portalctl/journal.jsonl`,
    /// `~/.local/state/portalctl/journal.jsonl`, or `./portalctl-journal.jsonl`).
    #[arg(long, global = true, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// Carry out the plan (mutating commands only print it otherwise).
    #[arg(long, global = true)]
    pub apply: bool,
    /// With `--apply`, wait for another run holding the journal instead of refusing.
    #[arg(long, global = true)]
    pub wait: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned columns.
    Table,
    /// A JSON array of records.
    Json,
    /// CSV with a header row.
    Csv,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the configured portals and check each one's connectivity and credentials.
    Portals,
    /// List the users of every portal, or of one.
    Users {
        /// Only this portal.
        #[arg(long)]
        portal: Option<String>,
    },
    /// Everyone, everywhere, with last login and an inactivity flag.
    Audit {
        /// Idle longer than this many days counts as inactive.
        #[arg(long, default_value_t = 90, value_parser = days)]
        inactive_days: u32,
    },
    /// Remove a person (or everyone in a file) everywhere: suspend where the vendor can,
    /// else delete.
    Offboard {
        /// Their email address.
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        email: Option<String>,
        /// A file of people: one address per line, or a CSV with an `email` column.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
    },
    /// Undo the suspension of a person (or everyone in a file) where the vendor can, and
    /// restore the groups a move to a group took them out of.
    Reactivate {
        /// Their email address.
        #[arg(required_unless_present = "from", conflicts_with = "from")]
        email: Option<String>,
        /// A file of people: one address per line, or a CSV with an `email` column.
        #[arg(long, value_name = "FILE")]
        from: Option<PathBuf>,
        /// The review store whose snapshots tell the groups an account was in, where the
        /// journal does not (read only; none is created).
        #[command(flatten)]
        store: StoreArg,
    },
    /// Compare every account with an HR roster: orphans, leavers, aliases; plan
    /// offboarding the leavers.
    Reconcile {
        /// The roster and its columns.
        #[command(flatten)]
        roster: RosterArgs,
    },
    /// Suspend users idle longer than N days, optionally moving them to a group.
    SuspendInactive {
        /// Idle longer than this many days.
        #[arg(long, value_parser = days)]
        days: u32,
        /// Move them to this user group (LogicMonitor), created when missing.
        #[arg(long)]
        group: Option<String>,
    },
    /// Invite a person into one portal with a role.
    Invite {
        /// Their email address.
        email: String,
        /// The portal.
        #[arg(long)]
        portal: String,
        /// The role name (resolved per organization on ThreatLocker).
        #[arg(long)]
        role: String,
        /// ThreatLocker: invite into every child organization.
        #[arg(long)]
        all_child_orgs: bool,
    },
    /// LogicMonitor user groups.
    Groups {
        /// The group operation.
        #[command(subcommand)]
        command: GroupsCommand,
    },
    /// Dormancy policy: check a policy file, report and plan by it, carry the plan out.
    Policy {
        /// The policy operation.
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Serve all four simulators on loopback until Ctrl-C and print how to use them.
    Sandbox,
    /// Record every portal's accounts, with where they came from, in the review store.
    Snapshot {
        /// A note kept with the snapshot (e.g. "Q3 access review").
        #[arg(long)]
        note: Option<String>,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// Access reviews of a snapshot: start, show, decide, apply, sign, verify, export.
    Review {
        /// The review operation.
        #[command(subcommand)]
        command: ReviewCommand,
    },
    /// What changed between two snapshots (default: the last two; one id: it and the
    /// latest).
    Diff {
        /// The older snapshot's id.
        from: Option<i64>,
        /// The newer snapshot's id.
        to: Option<i64>,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
}

/// `review` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Open a review of a snapshot (default: the latest) for a reviewer.
    Start {
        /// The snapshot's id.
        #[arg(long)]
        snapshot: Option<i64>,
        /// Who reviews and signs (e.g. their email address).
        #[arg(long)]
        reviewer: String,
        /// Only this portal (repeatable; default: every portal of the snapshot).
        #[arg(long = "portal", value_name = "NAME")]
        portals: Vec<String>,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// The review's accounts, each with its decision, and its progress.
    Show {
        /// The review's id.
        id: i64,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// Decide accounts: keep, revoke, or an exception with a reason and an expiry date.
    Decide {
        /// The review's id.
        id: i64,
        /// The account, as `show` names it: `PORTAL/ID` or `PORTAL/TENANT/ID` (repeatable).
        #[arg(long = "account", value_name = "KEY", required_unless_present = "from")]
        accounts: Vec<String>,
        /// The decision.
        #[arg(long, value_enum, required_unless_present = "from")]
        verdict: Option<VerdictArg>,
        /// Why (required for an exception).
        #[arg(long)]
        reason: Option<String>,
        /// Until when an exception holds (YYYY-MM-DD, after today).
        #[arg(long, value_name = "DATE")]
        expires: Option<chrono::NaiveDate>,
        /// Decisions from a CSV file with the columns `account,verdict,reason,expires` (or
        /// `review show --format csv`'s output with its decision column filled in).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["accounts", "verdict", "reason", "expires"])]
        from: Option<PathBuf>,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// Carry out the review's revocations not carried out yet (suspend where the vendor
    /// can, else delete): planned and printed, done only with `--apply`, each linked to its
    /// decision. Run it before signing.
    Apply {
        /// The review's id.
        id: i64,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// Sign the review: refused while an account is undecided or when the reviewer
    /// provisioned an account in scope. A signed review can not change.
    Sign {
        /// The review's id.
        id: i64,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// Recompute the review's hash chain and compare the stored rows with it.
    Verify {
        /// The review's id.
        id: i64,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
    /// Write the evidence: review.json, accounts.csv, decisions.csv and a
    /// self-contained review.html.
    Export {
        /// The review's id.
        id: i64,
        /// The directory to write (must not exist or be empty).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The review store.
        #[command(flatten)]
        store: StoreArg,
    },
}

/// `review decide --verdict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerdictArg {
    /// The access stays.
    Keep,
    /// The access goes.
    Revoke,
    /// The access stays against policy, for a reason, until a date.
    Exception,
}

/// `--store`: where snapshots and reviews are kept.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArg {
    /// The review store, an SQLite file (default `$XDG_DATA_HOME/portalctl/reviews.sqlite3`
    /// or `~/.local/share/portalctl/reviews.sqlite3`).
    #[arg(long = "store", value_name = "PATH")]
    pub path: Option<PathBuf>,
}

/// `reconcile`'s roster options.
#[derive(Debug, Clone, Args)]
pub struct RosterArgs {
    /// The roster: a CSV export with a header row.
    #[arg(long, value_name = "FILE")]
    pub roster: PathBuf,
    /// The column holding each person's email address.
    #[arg(long, default_value = "email", value_name = "C")]
    pub email_column: String,
    /// The column holding each person's status (default: `status` when present).
    #[arg(long, value_name = "C")]
    pub status_column: Option<String>,
    /// The column holding each person's end date, YYYY-MM-DD (default: `end_date` when
    /// present); a date before today means they left.
    #[arg(long, value_name = "C")]
    pub end_date_column: Option<String>,
    /// Status values meaning the person left, comma-separated.
    #[arg(long, default_value = "left,terminated", value_name = "LIST")]
    pub left_values: String,
}

impl RosterArgs {
    /// Reads and checks the roster; a bad row is a usage error naming line and column.
    pub fn read(&self) -> Result<Vec<crate::roster::Person>, crate::exit::Stop> {
        let columns = crate::roster::Columns {
            email: self.email_column.clone(),
            status: self.status_column.clone(),
            end_date: self.end_date_column.clone(),
            left_values: self
                .left_values
                .split(',')
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
                .collect(),
        };
        crate::roster::read(&self.roster, &columns, chrono::Local::now().date_naive())
    }
}

/// `policy` subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Parse and check the policy file only; nothing is sent.
    Check {
        /// The policy file (TOML).
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
    },
    /// Judge every account: the per-portal report (dormant % of enabled accounts) and the
    /// plan, as table, JSON or CSV (`--format`).
    Plan {
        /// The policy file (TOML).
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
    },
    /// The policy's suspensions, moves and deletions: printed, carried out with `--apply`.
    Apply {
        /// The policy file (TOML).
        #[arg(long, value_name = "FILE")]
        policy: PathBuf,
    },
}

impl PolicyCommand {
    /// The policy file named.
    pub fn policy(&self) -> &Path {
        match self {
            PolicyCommand::Check { policy }
            | PolicyCommand::Plan { policy }
            | PolicyCommand::Apply { policy } => policy,
        }
    }
}

/// `groups` subcommands.
#[derive(Debug, Subcommand)]
pub enum GroupsCommand {
    /// List the user groups.
    List {
        /// Only this portal.
        #[arg(long)]
        portal: Option<String>,
    },
    /// Create a group.
    Create {
        /// Its name.
        name: String,
        /// Only this portal.
        #[arg(long)]
        portal: Option<String>,
    },
    /// Delete a group.
    Delete {
        /// Its name.
        name: String,
        /// Only this portal.
        #[arg(long)]
        portal: Option<String>,
    },
    /// Make a group the person's only group.
    Move {
        /// Their email address.
        email: String,
        /// The group.
        #[arg(long)]
        to: String,
        /// Only this portal.
        #[arg(long)]
        portal: Option<String>,
    },
}

fn days(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(days) => Ok(days),
        Err(_) => Err("must be a whole number of days".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_days_is_refused() {
        assert!(Cli::try_parse_from(["portalctl", "suspend-inactive", "--days", "0"]).is_err());
        let cli = Cli::try_parse_from(["portalctl", "audit"]).unwrap();
        assert!(matches!(cli.command, Command::Audit { inactive_days: 90 }));
    }
}
