//! Cross-portal user lifecycle: the library behind the `portalctl` command.
//!
//! # Decisions
//!
//! - **Portals file**: `--config`, else `PORTALCTL_CONFIG` (either must exist: a missing
//!   file is a usage error), else `$XDG_CONFIG_HOME/portalctl/config.toml` or
//!   `~/.config/portalctl/config.toml` if present, else the built-in sandbox (200 users per
//!   vendor, 300 ThreatLocker children of which 20 lack the "Technician" role), announced
//!   in one line on stderr.
//! - **Journal**: `--journal`, else `$XDG_STATE_HOME/portalctl/journal.jsonl`, else
//!   `~/.local/state/portalctl/journal.jsonl`, else `./portalctl-journal.jsonl`. Written
//!   only with `--apply`.
//! - **Offboarding**: suspend where the vendor can (reversible), else delete, else report
//!   unsupported ([`directory::offboard_action`]). ThreatLocker offers no user listing, so
//!   a leaver can not be found there: reported, never silently skipped.
//! - **Idleness**: never logged in counts as idle; a vendor that reports no sign-ins
//!   (Allthenticate) or an API-only LogicMonitor user is never judged idle.
//!   `suspend-inactive --group G` moves (group becomes the only one) before suspending,
//!   so a run interrupted between the two completes on re-run.
//! - **Re-running**: plans are computed from current state, so a finished plan plans
//!   nothing. Where state can not be read back (ThreatLocker invitations), the journal's
//!   `done` entries are skipped instead.
//! - **Output**: people as table/JSON/CSV (`--format`); plans always as a table on
//!   stdout; notes, failures and progress on stderr.
//! - **Exit codes** ([`exit`]): 0 done, 1 failed, 2 usage error (nothing sent), 3 partial.
//!
//! - [`config`]: the portals file; [`directory`] and [`vendors`]: every portal behind one
//!   interface; [`capability`]: what each vendor's API allows.
//! - [`record`], [`output`]: the normalized user record and its table/JSON/CSV forms.
//! - [`plan`], [`journal`]: mutations are planned, printed, and only with `--apply`
//!   carried out, each action journaled before and after.
//! - [`cli`], [`app`], [`exit`]: the command line, running it, exit codes.
//! - [`progress`]: progress bars on stderr, hidden when it is not a terminal.
//! - [`builtin`]: the built-in sandbox used when no portals are configured.
//! - [`policy`]: the dormancy policy file and the pure planner that judges accounts by it.

pub mod app;
pub mod builtin;
pub mod capability;
pub mod cli;
pub mod config;
pub mod directory;
pub mod exit;
pub mod journal;
pub mod output;
pub mod plan;
pub mod policy;
pub mod progress;
pub mod record;
pub mod vendors;
