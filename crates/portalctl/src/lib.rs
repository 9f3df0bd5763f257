//! Cross-portal user lifecycle: the library behind the `portalctl` command.
//!
//! # Decisions
//!
//! - **Files** ([`files`]): the portals file from `--config`, `PORTALCTL_CONFIG` or the
//!   platform config dir, else the built-in sandbox (200 users per vendor, 300
//!   ThreatLocker children of which 20 lack the "Technician" role), announced in one line
//!   on stderr; the journal from `--journal` or the platform state dir, written only with
//!   `--apply`.
//! - **Offboarding**: suspend where the vendor can (reversible), else delete, else report
//!   unsupported ([`commands::offboard::offboard_action`]). ThreatLocker offers no user
//!   listing, so a leaver can not be found there: reported, never silently skipped.
//! - **Bulk and reversal**: `offboard --from FILE` plans any number of people portal by
//!   portal ([`people_file`]); `reactivate` undoes suspensions where the vendor can;
//!   `reconcile --roster` ([`roster`]) finds orphans, leavers and aliases and plans
//!   offboarding the leavers. One `--apply` run per journal ([`journal_lock`]).
//! - **Idleness**: never logged in counts as idle; a vendor that reports no sign-ins
//!   (Allthenticate) or an API-only LogicMonitor user is never judged idle.
//!   `suspend-inactive --group G` moves (group becomes the only one) before suspending,
//!   so a run interrupted between the two completes on re-run.
//! - **Dormancy policy** ([`commands::policy`]): `policy plan|apply` judge the accounts by
//!   the activity signals each vendor reports ([`record::ActivityFacts`]); an account with
//!   no usable signal, or an Allthenticate invitation never accepted (pending), is never
//!   acted on; ThreatLocker's organizations are listed for a check by hand.
//! - **Re-running**: plans are computed from current state, so a finished plan plans
//!   nothing. Where state can not be read back (ThreatLocker invitations), the journal's
//!   `done` entries are skipped instead.
//! - **Output**: people as table/JSON/CSV (`--format`); plans always as a table on
//!   stdout; notes, failures and progress on stderr.
//! - **Exit codes** ([`exit`]): 0 done, 1 failed, 2 usage error (nothing sent), 3 partial.
//!
//! # Layout
//!
//! - [`portal`]: the [`portal::Portal`] trait (list, check, act, supports) every portal
//!   is used through; [`vendors`]: one implementation per vendor; [`directory`]: the
//!   configured portals, connected.
//! - [`commands`]: one module per command, each a pure planner plus a thin runner;
//!   [`runner`]: the shared part (list, print the plan, with `--apply` act and journal).
//! - [`plan`], [`journal`]: plans of typed [`plan::Action`]s, and the JSON Lines journal
//!   of every action carried out; [`journal_lock`]: one `--apply` run per journal at a
//!   time.
//! - [`config`], [`files`]: the portals file and where portalctl's files are;
//!   [`people_file`]: the `--from FILE` list of people a bulk command acts on.
//! - [`store`]: the review store (`snapshot`, `diff`, `review`) as the commands open it.
//! - [`record`], [`output`]: the normalized user record and its table/JSON/CSV forms.
//! - [`roster`]: the HR roster `reconcile` compares accounts with.
//! - [`cli`], [`app`], [`exit`], [`report`]: the command line, dispatching it, exit
//!   codes, stderr reports.
//! - [`progress`]: progress bars on stderr, hidden when it is not a terminal.
//! - [`builtin`]: the built-in sandbox, and `portalctl sandbox` serving it.
//! - [`policy`]: the dormancy policy file and the pure planner that judges accounts by it.

pub mod app;
pub mod builtin;
pub mod cli;
pub mod commands;
pub mod config;
pub mod directory;
pub mod exit;
pub mod files;
pub mod journal;
pub mod journal_lock;
pub mod output;
pub mod people_file;
pub mod plan;
pub mod policy;
pub mod portal;
pub mod progress;
pub mod record;
pub mod report;
pub mod roster;
pub mod runner;
pub mod store;
pub mod vendors;
