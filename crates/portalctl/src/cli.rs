//! The command line, as clap parses it.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Remove a person everywhere: suspend where the vendor can, else delete.
    Offboard {
        /// Their email address.
        email: String,
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
