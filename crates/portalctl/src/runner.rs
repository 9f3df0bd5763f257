//! The shared runner: what every command does the same way. It lists the portals
//! (failures and unlisted portals reported on stderr), prints a plan, and only with
//! `--apply` carries it out through [`crate::portal::Portal::act`], journaling every step
//! before and after. It is the only path to a change.

use std::io;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::directory::{Connected, Directory};
use crate::exit::{Done, Stop};
use crate::journal::{Entry, Journal};
use crate::output::Format;
use crate::plan::{Applied, Plan, Step};
use crate::portal::{Listing, Operation, PortalError, unsupported};
use crate::record::UserRecord;
use crate::report;

/// Everything a command runs with: the portals, the output format, `--apply` and the
/// journal.
#[derive(Debug)]
pub struct Runner<'a> {
    directory: &'a Directory,
    format: Format,
    apply: bool,
    journal: PathBuf,
}

/// The users of the portals a command listed, and how the listing went.
#[derive(Debug)]
pub struct Gathered<'a> {
    /// Each portal that listed its users, with them, in configuration order.
    pub listed: Vec<(&'a Connected, Vec<UserRecord>)>,
    /// Each portal that can not list users, with its child organizations to check by
    /// hand (reported on stderr).
    pub unlisted: Vec<(&'a Connected, Vec<Uuid>)>,
    /// How many portals were asked.
    pub worked: usize,
    /// How many of them failed (reported on stderr).
    pub failed: usize,
}

impl Gathered<'_> {
    /// How the listing went, as a run's end.
    pub fn done(&self) -> Done {
        Done::from_counts(self.worked, self.failed)
    }
}

impl<'a> Runner<'a> {
    /// A runner over `directory`; changes are carried out only when `apply`, journaled at
    /// `journal`.
    pub fn new(directory: &'a Directory, format: Format, apply: bool, journal: PathBuf) -> Self {
        Self {
            directory,
            format,
            apply,
            journal,
        }
    }

    /// The connected portals.
    pub fn directory(&self) -> &'a Directory {
        self.directory
    }

    /// How people are printed.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Where applied actions are journaled.
    pub fn journal_path(&self) -> &Path {
        &self.journal
    }

    /// The journal's entries, for resuming where current state can not be read back
    /// (none when there is no readable journal).
    pub fn journal_entries(&self) -> Vec<Entry> {
        Journal::read(&self.journal).unwrap_or_default()
    }

    /// Lists every portal (or only `only`) concurrently; failures and portals that can
    /// not list users are reported on stderr.
    pub async fn gather(&self, only: Option<&str>) -> Gathered<'a> {
        let listings = self.directory.list(only).await;
        let mut gathered = Gathered {
            listed: Vec::new(),
            unlisted: Vec::new(),
            worked: listings.len(),
            failed: 0,
        };
        for (portal, listing) in listings {
            match listing {
                Ok(Listing::Users(users)) => gathered.listed.push((portal, users)),
                Ok(Listing::Partial { users, reported }) => {
                    report::note(&portal.name, &partial_listing(reported, users.len()));
                    gathered.listed.push((portal, users));
                }
                Ok(Listing::Unlisted {
                    child_organizations,
                }) => {
                    report::note(
                        &portal.name,
                        &format!(
                            "not listed: {}; check its organization and {} child organizations by hand",
                            unsupported(portal.vendor(), Operation::List),
                            child_organizations.len()
                        ),
                    );
                    gathered.unlisted.push((portal, child_organizations));
                }
                Err(error) => {
                    gathered.failed += 1;
                    report::failure(&portal.name, &listing_failure(portal, &error));
                }
            }
        }
        gathered
    }

    /// Lists one portal; `None` when it failed (reported on stderr).
    pub async fn list_one(&self, portal: &Connected) -> Option<Listing> {
        portal
            .list()
            .await
            .map_err(|error| report::failure(&portal.name, &listing_failure(portal, &error)))
            .ok()
    }

    /// Prints the plan on stdout in the runner's format, then [`Runner::will_apply`].
    pub fn show(&self, plan: &Plan) -> Result<bool, Stop> {
        plan.print(&mut io::stdout().lock(), self.format)
            .map_err(|error| report::output_stop(&error))?;
        Ok(self.will_apply(plan))
    }

    /// `true` when a shown plan is to be carried out (`--apply` and something to do);
    /// otherwise a dry run with something to do says so on stderr.
    pub fn will_apply(&self, plan: &Plan) -> bool {
        if plan.is_empty() {
            return false;
        }
        if !self.apply {
            eprintln!("portalctl: dry run, nothing changed; add --apply to carry out this plan");
        }
        self.apply
    }

    /// Prints the plan; with `--apply`, runs it step by step through each step's portal,
    /// journaled, reports each failure and a summary line.
    pub async fn carry_out(&self, plan: &Plan) -> Result<Done, Stop> {
        Ok(match self.carry_out_steps(plan).await? {
            Some(applied) => Done::from_counts(plan.steps.len(), applied.failed.len()),
            None => Done::Complete,
        })
    }

    /// [`Runner::carry_out`], telling which steps failed; `None` when nothing was carried
    /// out (a dry run, or nothing to do).
    pub async fn carry_out_steps(&self, plan: &Plan) -> Result<Option<Applied>, Stop> {
        if !self.show(plan)? {
            return Ok(None);
        }
        self.apply_shown(plan).await.map(Some)
    }

    /// Carries out a plan the caller has shown (with [`Runner::will_apply`] true) through
    /// each step's portal, one step at a time or in the batches the portal takes
    /// ([`crate::portal::Portal::batch_size`]), journaled; reports each failure and a
    /// summary line (on stdout with tables, else on stderr so that stdout stays one
    /// document).
    pub async fn apply_shown(&self, plan: &Plan) -> Result<Applied, Stop> {
        let mut journal = self.open_journal()?;
        let directory = self.directory;
        let batch = |step: &Step| {
            directory
                .get(&step.portal)
                .map_or(1, |portal| portal.batch_size(&step.action))
        };
        let applied = plan
            .apply(&mut journal, batch, |steps| async move {
                let Some(portal) = directory.get(&steps[0].portal) else {
                    return steps
                        .iter()
                        .map(|_| Err("the plan names an unknown portal".to_owned()))
                        .collect();
                };
                match steps {
                    [step] => vec![
                        portal
                            .act(&step.action, &step.target)
                            .await
                            .map_err(|error| error.to_string()),
                    ],
                    steps => match portal.act_together(steps).await {
                        Ok(outcomes) => outcomes
                            .into_iter()
                            .map(|outcome| outcome.map_err(|error| error.to_string()))
                            .collect(),
                        Err(error) => {
                            let reason = error.to_string();
                            steps.iter().map(|_| Err(reason.clone())).collect()
                        }
                    },
                }
            })
            .await
            .map_err(|error| report::journal_stop(&error))?;
        for (step, reason) in &applied.failed {
            report::failure(
                &step.portal,
                &format!("{} {}: {reason}", step.action, step.user),
            );
        }
        let summary = format!(
            "Applied {} of {} actions. Journal: {}",
            applied.done,
            plan.steps.len(),
            journal.path().display()
        );
        if self.format == Format::Table {
            println!("{summary}");
        } else {
            eprintln!("{summary}");
        }
        Ok(applied)
    }

    /// Runs a shown plan whose steps are all `portal`'s as one batch
    /// ([`crate::portal::Portal::act_together`]), journaled; `Err(reason)` inside when
    /// the batch failed as a whole (reported on stderr). The caller reports the rest.
    pub async fn apply_together(
        &self,
        portal: &Connected,
        plan: &Plan,
    ) -> Result<Result<Applied, String>, Stop> {
        let mut journal = self.open_journal()?;
        let applied = plan
            .apply_together(&mut journal, portal.act_together(&plan.steps))
            .await
            .map_err(|error| report::journal_stop(&error))?;
        if let Err(reason) = &applied {
            report::failure(&portal.name, reason);
        }
        Ok(applied)
    }

    fn open_journal(&self) -> Result<Journal, Stop> {
        Journal::open(&self.journal).map_err(|error| {
            Stop::Failure(format!("journal `{}`: {error}", self.journal.display()))
        })
    }
}

/// The note for a listing that ended before the total the portal reported.
fn partial_listing(reported: u64, returned: usize) -> String {
    format!(
        "portal reported {reported} users, returned {returned}: its listing ended early (users these credentials may not see); working with those returned"
    )
}

/// A failed listing as reported: a portal that can not list users failed to walk its
/// child organizations instead.
fn listing_failure(portal: &Connected, error: &PortalError) -> String {
    if portal.supports(Operation::List) {
        error.to_string()
    } else {
        format!(
            "{}, and its child organizations could not be read: {error}",
            unsupported(portal.vendor(), Operation::List)
        )
    }
}
