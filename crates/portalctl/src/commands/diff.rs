//! `diff [A] [B]`: what changed between two snapshots of the review store: accounts
//! added, removed and changed (status, roles, groups, last login, name). Without ids the
//! last two snapshots are compared; with one, that snapshot and the latest. A portal that
//! failed in either snapshot is not compared, and says so. Needs no portal.

use std::io::{self, Write};
use std::path::Path;

use review_store::{Diff, DiffCounts, DiffEntry, SnapshotId, Store};

use crate::exit::{Done, Stop};
use crate::output::{Format, write_table};
use crate::report;
use crate::store;

/// Compares two snapshots of the store at `store_path` and prints the differences.
pub fn run(
    store_path: &Path,
    from: Option<i64>,
    to: Option<i64>,
    format: Format,
) -> Result<Done, Stop> {
    let fail = |error: review_store::Error| store::stop(store_path, &error);
    let store = store::open_existing(store_path)?;
    let (from, to) = pair(&store, from, to).map_err(fail)?;
    let diff = store.diff(from, to, &[]).map_err(fail)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let counts = print(&mut out, diff, format)
        .and_then(|counts| out.flush().map(|()| counts).map_err(Failure::Output))
        .map_err(|error| match error {
            Failure::Store(error) => fail(error),
            Failure::Output(error) => report::output_stop(&error),
        })?;
    for skipped in &counts.skipped {
        report::note(
            &skipped.portal,
            &format!("not compared: {}", skipped.reason),
        );
    }
    eprintln!(
        "portalctl: snapshot {} -> {}: {} added, {} removed, {} changed, {} unchanged",
        from.0, to.0, counts.added, counts.removed, counts.changed, counts.unchanged
    );
    Ok(Done::Complete)
}

/// The snapshots to compare: both given, `from` and the latest, or the last two.
fn pair(
    store: &Store,
    from: Option<i64>,
    to: Option<i64>,
) -> review_store::Result<(SnapshotId, SnapshotId)> {
    let (older, latest) = store.last_two_snapshots().or_else(|error| match from {
        // One snapshot is enough when it is named twice, or named and the latest.
        Some(_) => store
            .snapshots()?
            .last()
            .map(|only| (only.id, only.id))
            .ok_or(error),
        None => Err(error),
    })?;
    let from = from.map_or(older, SnapshotId);
    let to = to.map_or(latest, SnapshotId);
    store.snapshot(from)?;
    store.snapshot(to)?;
    Ok((from, to))
}

/// Why printing a diff stopped.
enum Failure {
    Store(review_store::Error),
    Output(io::Error),
}

/// Writes every entry of `diff` in `format` (JSON and CSV as they come) and returns the
/// counts.
fn print(out: &mut dyn Write, mut diff: Diff<'_>, format: Format) -> Result<DiffCounts, Failure> {
    let output = |error: io::Error| Failure::Output(error);
    match format {
        Format::Table => {
            let rows = diff
                .by_ref()
                .map(|entry| entry.map(|entry| table_row(&entry)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Failure::Store)?;
            if rows.is_empty() {
                writeln!(out, "No differences.").map_err(output)?;
            } else {
                let header = ["CHANGE", "ACCOUNT", "EMAIL", "WHAT"].map(str::to_owned);
                write_table(out, &header, &rows).map_err(output)?;
            }
        }
        Format::Json => {
            out.write_all(b"[").map_err(output)?;
            for (index, entry) in diff.by_ref().enumerate() {
                let entry = entry.map_err(Failure::Store)?;
                out.write_all(if index == 0 { b"\n  " } else { b",\n  " })
                    .map_err(output)?;
                serde_json::to_writer(&mut *out, &entry).map_err(|error| output(error.into()))?;
            }
            out.write_all(b"\n]\n").map_err(output)?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(&mut *out);
            let csv = |error: csv::Error| output(error.into());
            writer
                .write_record([
                    "change", "portal", "tenant", "id", "email", "field", "old", "new",
                ])
                .map_err(csv)?;
            for entry in diff.by_ref() {
                for record in csv_records(&entry.map_err(Failure::Store)?) {
                    writer.write_record(&record).map_err(csv)?;
                }
            }
            writer.flush().map_err(output)?;
        }
    }
    Ok(diff.counts().clone())
}

/// The change's name, the account and its email.
fn describe(entry: &DiffEntry) -> (&'static str, &review_store::Account) {
    match entry {
        DiffEntry::Added { account } => ("added", account),
        DiffEntry::Removed { account } => ("removed", account),
        DiffEntry::Changed { account, .. } => ("changed", account),
    }
}

fn table_row(entry: &DiffEntry) -> Vec<String> {
    let (change, account) = describe(entry);
    let what = match entry {
        DiffEntry::Changed { changes, .. } => changes
            .iter()
            .map(|change| {
                format!(
                    "{}: {} -> {}",
                    change.field.as_str(),
                    change.old,
                    change.new
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        DiffEntry::Added { .. } | DiffEntry::Removed { .. } => account.status.clone(),
    };
    vec![
        change.to_owned(),
        account.key().to_string(),
        account.email.clone().unwrap_or_default(),
        what,
    ]
}

/// One CSV record per changed field (one for an added or removed account).
fn csv_records(entry: &DiffEntry) -> Vec<[String; 8]> {
    let (change, account) = describe(entry);
    let record = |field: &str, old: &str, new: &str| {
        [
            change.to_owned(),
            account.portal.clone(),
            account.tenant.clone().unwrap_or_default(),
            account.id.clone(),
            account.email.clone().unwrap_or_default(),
            field.to_owned(),
            old.to_owned(),
            new.to_owned(),
        ]
    };
    match entry {
        DiffEntry::Changed { changes, .. } => changes
            .iter()
            .map(|change| record(change.field.as_str(), &change.old, &change.new))
            .collect(),
        DiffEntry::Added { .. } | DiffEntry::Removed { .. } => vec![record("", "", "")],
    }
}
