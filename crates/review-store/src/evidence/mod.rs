//! The evidence bundle of a review, for an auditor: `review.json` (the review, its
//! snapshot's provenance, per-portal counts, inactivity buckets, what changed since the
//! previous review, the chain check), `accounts.csv` (every account in scope with its
//! decision), `decisions.csv` and one self-contained `review.html` (inline CSS and SVG,
//! nothing fetched) that a person can read.
//!
//! Accounts are streamed to `accounts.csv` and only counted for the rest, so memory stays
//! flat with the number of accounts; the HTML lists the revocations and exceptions in
//! full and counts the kept. Everything is written into a scratch directory next to the
//! destination and renamed into place at the end: an export is there whole or not at all.

mod html;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::diff::{DiffCounts, DiffEntry};
use crate::error::{Error, Result};
use crate::model::{
    Account, DecisionRecord, LastLogin, Review, ReviewId, Snapshot, SnapshotId, Verdict,
};
use crate::store::Store;
use crate::verify::ChainCheck;

/// How many changes since the previous review the bundle lists (all are counted).
const LISTED_CHANGES: usize = 500;

/// What [`Store::export_evidence`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// The directory holding the bundle.
    pub dir: PathBuf,
    /// Accounts in `accounts.csv`.
    pub accounts: u64,
    /// Decisions in `decisions.csv`.
    pub decisions: u64,
    /// The size of `review.html` in bytes.
    pub html_bytes: u64,
}

/// Per-portal counts of the review's accounts.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct PortalCounts {
    pub(crate) accounts: u64,
    pub(crate) keep: u64,
    pub(crate) revoke: u64,
    pub(crate) exception: u64,
    pub(crate) undecided: u64,
}

/// Accounts by time since their last sign-in, at the snapshot's time.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Buckets {
    pub(crate) under_30_days: u64,
    pub(crate) from_30_to_89_days: u64,
    pub(crate) from_90_to_179_days: u64,
    pub(crate) over_180_days: u64,
    pub(crate) never: u64,
    pub(crate) unknown: u64,
}

impl Buckets {
    fn add(&mut self, last_login: LastLogin, at: DateTime<Utc>) {
        let bucket = match last_login {
            LastLogin::Never => &mut self.never,
            LastLogin::Unknown => &mut self.unknown,
            LastLogin::At(when) => match (at - when).num_days() {
                ..30 => &mut self.under_30_days,
                30..90 => &mut self.from_30_to_89_days,
                90..180 => &mut self.from_90_to_179_days,
                _ => &mut self.over_180_days,
            },
        };
        *bucket += 1;
    }

    /// The buckets with their labels, in order.
    pub(crate) fn labelled(&self) -> [(&'static str, u64); 6] {
        [
            ("< 30 d", self.under_30_days),
            ("30–89 d", self.from_30_to_89_days),
            ("90–179 d", self.from_90_to_179_days),
            ("≥ 180 d", self.over_180_days),
            ("never", self.never),
            ("unknown", self.unknown),
        ]
    }
}

/// What changed since the previous review's snapshot.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Changes {
    pub(crate) previous_review: i64,
    pub(crate) from: SnapshotId,
    pub(crate) to: SnapshotId,
    pub(crate) counts: DiffCounts,
    /// The first [`LISTED_CHANGES`] entries.
    pub(crate) listed: Vec<DiffEntry>,
}

/// Everything `review.json` and `review.html` show, but the accounts themselves.
#[derive(Debug, Serialize)]
pub(crate) struct Evidence {
    pub(crate) generated_at: DateTime<Utc>,
    pub(crate) review: Review,
    pub(crate) snapshot: Snapshot,
    pub(crate) portals: BTreeMap<String, PortalCounts>,
    pub(crate) inactivity: Buckets,
    pub(crate) changes_since_previous: Option<Changes>,
    pub(crate) chain: String,
    pub(crate) chain_intact: bool,
    /// Revocations and exceptions, in full (kept accounts are counted in `portals`).
    pub(crate) notable: Vec<(Account, DecisionRecord)>,
}

impl Store {
    /// Writes the evidence bundle of `review` into the directory `out`, which must not
    /// exist or be empty.
    pub fn export_evidence(&self, review: ReviewId, out: &Path) -> Result<ExportSummary> {
        let review = self.review(review)?;
        if fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some()) {
            return Err(Error::InvalidInput {
                field: "out",
                reason: format!("{} exists and is not empty", out.display()),
            });
        }
        let scratch = scratch_dir(out)?;
        let written = self.write_bundle(&review, &scratch);
        let summary = written.and_then(|(accounts, decisions)| {
            let html_bytes = fs::metadata(scratch.join("review.html"))
                .map_err(|source| io_error(&scratch, source))?
                .len();
            if out.is_dir() {
                fs::remove_dir(out).map_err(|source| io_error(out, source))?;
            }
            fs::rename(&scratch, out).map_err(|source| io_error(out, source))?;
            Ok(ExportSummary {
                dir: out.to_owned(),
                accounts,
                decisions,
                html_bytes,
            })
        });
        if summary.is_err() {
            let _ = fs::remove_dir_all(&scratch);
        }
        summary
    }

    /// Writes the four files into `dir`; returns the accounts and decisions written.
    fn write_bundle(&self, review: &Review, dir: &Path) -> Result<(u64, u64)> {
        let snapshot = self.snapshot(review.snapshot)?;
        let mut portals: BTreeMap<String, PortalCounts> = BTreeMap::new();
        let mut inactivity = Buckets::default();
        let mut notable = Vec::new();
        let accounts_path = dir.join("accounts.csv");
        let mut accounts = csv::Writer::from_writer(create(&accounts_path)?);
        let csv_error = |error: csv::Error| io_error(&accounts_path, error.into());
        accounts
            .write_record([
                "portal",
                "tenant",
                "id",
                "vendor",
                "email",
                "name",
                "status",
                "last_login",
                "roles",
                "groups",
                "decision",
                "reason",
                "expires_on",
                "applied",
            ])
            .map_err(csv_error)?;
        let mut count = 0;
        self.for_each_review_account(review.id, |account, decision| {
            count += 1;
            let counts = portals.entry(account.portal.clone()).or_default();
            counts.accounts += 1;
            match decision.as_ref().map(|d| d.decision.verdict) {
                Some(Verdict::Keep) => counts.keep += 1,
                Some(Verdict::Revoke) => counts.revoke += 1,
                Some(Verdict::Exception) => counts.exception += 1,
                None => counts.undecided += 1,
            }
            inactivity.add(account.last_login, snapshot.taken_at);
            accounts
                .write_record(account_row(&account, decision.as_ref()))
                .map_err(csv_error)?;
            if let Some(decision) = decision.filter(|d| d.decision.verdict != Verdict::Keep) {
                notable.push((account, decision));
            }
            Ok(())
        })?;
        accounts
            .flush()
            .map_err(|source| io_error(&accounts_path, source))?;
        let decisions = self.write_decisions(review.id, &dir.join("decisions.csv"))?;
        let chain = self.verify(review.id)?;
        let evidence = Evidence {
            generated_at: Utc::now(),
            review: review.clone(),
            snapshot,
            portals,
            inactivity,
            changes_since_previous: self.changes_since_previous(review)?,
            chain_intact: matches!(chain, ChainCheck::Intact { .. }),
            chain: chain.to_string(),
            notable,
        };
        let json_path = dir.join("review.json");
        let mut json = create(&json_path)?;
        serde_json::to_writer_pretty(&mut json, &evidence)
            .map_err(|error| io_error(&json_path, error.into()))?;
        json.flush()
            .map_err(|source| io_error(&json_path, source))?;
        let html_path = dir.join("review.html");
        let mut page = create(&html_path)?;
        html::write(&mut page, &evidence).map_err(|source| io_error(&html_path, source))?;
        page.flush()
            .map_err(|source| io_error(&html_path, source))?;
        Ok((count, decisions))
    }

    fn write_decisions(&self, review: ReviewId, path: &Path) -> Result<u64> {
        let mut writer = csv::Writer::from_writer(create(path)?);
        let csv_error = |error: csv::Error| io_error(path, error.into());
        writer
            .write_record([
                "portal",
                "tenant",
                "id",
                "decision",
                "reason",
                "expires_on",
                "decided_at",
                "applied",
                "applied_at",
            ])
            .map_err(csv_error)?;
        let decisions = self.decisions(review)?;
        for record in &decisions {
            let key = &record.decision.account;
            writer
                .write_record([
                    key.portal.clone(),
                    key.tenant.clone().unwrap_or_default(),
                    key.id.clone(),
                    record.decision.verdict.as_str().to_owned(),
                    record.decision.reason.clone().unwrap_or_default(),
                    record
                        .decision
                        .expires_on
                        .map(|date| date.to_string())
                        .unwrap_or_default(),
                    crate::model::format_time(record.decided_at),
                    record
                        .applied
                        .as_ref()
                        .map(|applied| applied.reference.clone())
                        .unwrap_or_default(),
                    record
                        .applied
                        .as_ref()
                        .map(|applied| crate::model::format_time(applied.at))
                        .unwrap_or_default(),
                ])
                .map_err(csv_error)?;
        }
        writer.flush().map_err(|source| io_error(path, source))?;
        Ok(decisions.len() as u64)
    }

    /// The diff from the previous review's snapshot to this review's, in this scope.
    fn changes_since_previous(&self, review: &Review) -> Result<Option<Changes>> {
        let Some(previous) = self.previous_review(review.id)? else {
            return Ok(None);
        };
        let mut diff = self.diff(previous.snapshot, review.snapshot, &review.scope)?;
        let mut listed = Vec::new();
        for entry in diff.by_ref() {
            let entry = entry?;
            if listed.len() < LISTED_CHANGES {
                listed.push(entry);
            }
        }
        Ok(Some(Changes {
            previous_review: previous.id.0,
            from: previous.snapshot,
            to: review.snapshot,
            counts: diff.counts().clone(),
            listed,
        }))
    }
}

fn account_row(account: &Account, decision: Option<&DecisionRecord>) -> Vec<String> {
    let mut row = vec![
        account.portal.clone(),
        account.tenant.clone().unwrap_or_default(),
        account.id.clone(),
        account.vendor.clone(),
        account.email.clone().unwrap_or_default(),
        account.name.clone().unwrap_or_default(),
        account.status.clone(),
        account.last_login.to_text(),
        account.roles.join(";"),
        account.groups.join(";"),
    ];
    row.extend(DecisionRecord::columns(decision));
    row
}

/// A fresh scratch directory next to `out`.
fn scratch_dir(out: &Path) -> Result<PathBuf> {
    let name = out
        .file_name()
        .map_or_else(|| "evidence".into(), |name| name.to_string_lossy());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    let scratch = parent
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.partial-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(&scratch).map_err(|source| io_error(&scratch, source))?;
    Ok(scratch)
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|source| io_error(path, source))
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_owned(),
        source,
    }
}
