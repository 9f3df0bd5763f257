//! `review start|show|decide|apply|sign|verify|export`: access reviews in the review store. A review
//! is opened on a snapshot for a reviewer and a scope of portals; every account in scope
//! gets a decision (keep, revoke, or an exception with a reason and an expiry date); the
//! reviewer signs once everything is decided; every step is an entry of the review's hash
//! chain, which `verify` recomputes; `export` writes the evidence bundle (see
//! [`review_store::Store::export_evidence`]). Only `apply` needs the portals: it carries
//! out the revocations through the plan runner and links each to its decision.
//!
//! Accounts are named as `show` prints them: `PORTAL/ID`, or `PORTAL/TENANT/ID` where the
//! vendor has tenants.

use std::io::{self, Write};
use std::path::Path;

use review_store::{
    Account, AccountKey, ChainCheck, Decision, DecisionRecord, Review, ReviewId, SnapshotId, Store,
    Verdict,
};
use serde::Serialize;

use crate::cli::{ReviewCommand, VerdictArg};
use crate::commands::offboard::offboard_action_for;
use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::files;
use crate::output::{Format, write_table};
use crate::plan::{Plan, Step};
use crate::portal::{Operation, unsupported};
use crate::record::UserStatus;
use crate::report;
use crate::runner::Runner;
use crate::store;

/// Refuses malformed account names before the store is opened.
pub fn check_input(command: &ReviewCommand) -> Result<(), Stop> {
    match command {
        ReviewCommand::Start { reviewer, .. } => super::check_name("--reviewer", reviewer),
        ReviewCommand::Decide { accounts, .. } => {
            accounts.iter().try_for_each(|key| parse_key(key).map(drop))
        }
        ReviewCommand::Show { .. }
        | ReviewCommand::Apply { .. }
        | ReviewCommand::Sign { .. }
        | ReviewCommand::Verify { .. }
        | ReviewCommand::Export { .. } => Ok(()),
    }
}

/// Whether the operation acts on portals (`apply`), so they must be connected.
pub fn needs_portals(command: &ReviewCommand) -> bool {
    matches!(command, ReviewCommand::Apply { .. })
}

/// Runs one review operation on the store it names; `apply` through `runner`.
pub async fn run_with_portals(command: &ReviewCommand, runner: &Runner<'_>) -> Result<Done, Stop> {
    match command {
        ReviewCommand::Apply { id, store } => {
            apply(
                runner,
                ReviewId(*id),
                &files::store_path(store.path.clone()),
            )
            .await
        }
        other => run(other, runner.format()),
    }
}

/// Runs one review operation that needs no portal on the store it names.
pub fn run(command: &ReviewCommand, format: Format) -> Result<Done, Stop> {
    match command {
        ReviewCommand::Apply { .. } => Err(Stop::Usage(
            "review apply needs the portals; run it through the portal runner".to_owned(),
        )),
        ReviewCommand::Start {
            snapshot,
            reviewer,
            portals,
            store,
        } => with_store(store.path.as_deref(), |store| {
            let snapshot = match snapshot {
                Some(id) => SnapshotId(*id),
                None => latest(store)?,
            };
            let id = store.start_review(snapshot, portals, reviewer)?;
            let review = store.review(id)?;
            println!("{}", id.0);
            eprintln!(
                "portalctl: review {} opened on snapshot {} for {}: {} accounts to decide",
                id.0, snapshot.0, review.reviewer, review.accounts
            );
            Ok(Done::Complete)
        }),
        ReviewCommand::Show { id, store } => {
            let id = ReviewId(*id);
            let (review, reviewed) = with_store(store.path.as_deref(), |store| {
                let mut reviewed = Vec::new();
                store.for_each_review_account(id, |account, decision| {
                    reviewed.push(Reviewed { account, decision });
                    Ok(())
                })?;
                Ok((store.review(id)?, reviewed))
            })?;
            show(&review, &reviewed, format)
        }
        ReviewCommand::Decide {
            id,
            accounts,
            verdict,
            reason,
            expires,
            from,
            store,
        } => {
            let decisions = match from {
                Some(path) => decisions_from_csv(path)?,
                None => decisions_from_flags(accounts, *verdict, reason.as_ref(), *expires)?,
            };
            with_store(store.path.as_deref(), |store| {
                store.decide(ReviewId(*id), &decisions)?;
                let review = store.review(ReviewId(*id))?;
                eprintln!(
                    "portalctl: review {id}: {} decisions recorded; {} of {} accounts decided",
                    decisions.len(),
                    review.decided,
                    review.accounts
                );
                Ok(Done::Complete)
            })
        }
        ReviewCommand::Sign { id, store } => with_store(store.path.as_deref(), |store| {
            let signature = store.sign(ReviewId(*id))?;
            println!("{}", signature.head);
            eprintln!(
                "portalctl: review {id} signed at {}; it can no longer change",
                signature
                    .at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            Ok(Done::Complete)
        }),
        ReviewCommand::Verify { id, store } => with_store(store.path.as_deref(), |store| {
            let check = store.verify(ReviewId(*id))?;
            println!("review {id}: {check}");
            Ok(match check {
                ChainCheck::Intact { .. } => Done::Complete,
                ChainCheck::Broken { .. } => Done::Failed,
            })
        }),
        ReviewCommand::Export { id, out, store } => with_store(store.path.as_deref(), |store| {
            export(store, ReviewId(*id), out)
        }),
    }
}

/// Plans the review's revocations not carried out yet, carries them out with `--apply`
/// and records each one done against its decision.
async fn apply(runner: &Runner<'_>, id: ReviewId, store_path: &Path) -> Result<Done, Stop> {
    let mut revocations = Vec::new();
    with_store(Some(store_path), |store| {
        // A signed review can not record what is carried out: refuse before acting.
        if store.review(id)?.signed.is_some() {
            return Err(review_store::Error::ReviewSigned(id));
        }
        store.for_each_review_account(id, |account, decision| {
            if decision
                .is_some_and(|d| d.decision.verdict == Verdict::Revoke && d.applied.is_none())
            {
                revocations.push(account);
            }
            Ok(())
        })
    })?;
    let (plan, keys) = revocation_plan(&revocations, &runner.directory().portals);
    let Some(applied) = runner.carry_out_steps(&plan).await? else {
        return Ok(Done::Complete);
    };
    let journal = runner.journal_path().display().to_string();
    let failed = applied.failed.len();
    with_store(Some(store_path), |store| {
        for (step, key) in plan.steps.iter().zip(&keys) {
            if applied.failed.iter().any(|(failed, _)| failed == step) {
                continue;
            }
            let reference = format!(
                "{} {} in {}, journal {journal}",
                step.action, step.user, step.portal
            );
            store.record_applied(id, key, &reference)?;
        }
        Ok(())
    })?;
    Ok(Done::from_counts(plan.steps.len(), failed).and(plan.refusals()))
}

/// The steps revoking `accounts` (suspend where the portal can, else delete), and each
/// step's account; accounts of portals not configured or that can do neither are skipped
/// with the reason.
pub fn revocation_plan(accounts: &[Account], portals: &[Connected]) -> (Plan, Vec<AccountKey>) {
    let mut plan = Plan::default();
    let mut keys = Vec::new();
    for account in accounts {
        let key = account.key();
        let Some(portal) = portals.iter().find(|portal| portal.name == account.portal) else {
            plan.skipped.push((
                account.portal.clone(),
                format!("{key} not revoked: the portal is not configured"),
            ));
            continue;
        };
        let pending = account.status == UserStatus::Pending.as_str();
        let Some(action) = offboard_action_for(portal.portal.as_ref(), pending) else {
            plan.skipped.push((
                portal.name.clone(),
                format!(
                    "{key} not revoked: {}",
                    unsupported(portal.vendor(), Operation::Delete)
                ),
            ));
            continue;
        };
        plan.steps.push(Step {
            portal: portal.name.clone(),
            user: account.email.clone().unwrap_or_else(|| account.id.clone()),
            target: account.id.clone(),
            action,
            why: "access review: decided revoke".to_owned(),
            undo: None,
        });
        keys.push(key);
    }
    (plan, keys)
}

/// The decisions `--account`, `--verdict`, `--reason` and `--expires` give.
fn decisions_from_flags(
    accounts: &[String],
    verdict: Option<VerdictArg>,
    reason: Option<&String>,
    expires: Option<chrono::NaiveDate>,
) -> Result<Vec<Decision>, Stop> {
    let verdict = verdict.ok_or_else(|| Stop::Usage("--account needs --verdict".to_owned()))?;
    accounts
        .iter()
        .map(|key| {
            Ok(Decision {
                account: parse_key(key)?,
                verdict: verdict_of(verdict),
                reason: reason.cloned(),
                expires_on: expires,
            })
        })
        .collect()
}

/// Writes the evidence bundle and lists its files.
fn export(store: &Store, id: ReviewId, out: &Path) -> review_store::Result<Done> {
    let summary = store.export_evidence(id, out)?;
    for file in [
        "review.html",
        "review.json",
        "accounts.csv",
        "decisions.csv",
    ] {
        println!("{}", summary.dir.join(file).display());
    }
    eprintln!(
        "portalctl: review {}: evidence of {} accounts and {} decisions written to {} (review.html {} KiB)",
        id.0,
        summary.accounts,
        summary.decisions,
        summary.dir.display(),
        summary.html_bytes.div_ceil(1024)
    );
    Ok(Done::Complete)
}

/// Opens the existing store at `flag` (or the default path) and runs `work` on it.
fn with_store<T>(
    flag: Option<&Path>,
    work: impl FnOnce(&mut Store) -> review_store::Result<T>,
) -> Result<T, Stop> {
    let path = files::store_path(flag.map(Path::to_path_buf));
    let mut opened = store::open_existing(&path)?;
    work(&mut opened).map_err(|error| store::stop(&path, &error))
}

/// The newest snapshot.
fn latest(store: &Store) -> review_store::Result<SnapshotId> {
    store
        .snapshots()?
        .last()
        .map(|snapshot| snapshot.id)
        .ok_or(review_store::Error::NotEnoughSnapshots(0))
}

fn verdict_of(verdict: VerdictArg) -> Verdict {
    match verdict {
        VerdictArg::Keep => Verdict::Keep,
        VerdictArg::Revoke => Verdict::Revoke,
        VerdictArg::Exception => Verdict::Exception,
    }
}

/// `PORTAL/ID` or `PORTAL/TENANT/ID`.
pub fn parse_key(text: &str) -> Result<AccountKey, Stop> {
    let parts: Vec<&str> = text.split('/').collect();
    match parts[..] {
        [portal, id] if !portal.is_empty() && !id.is_empty() => {
            Ok(AccountKey::new(portal, None, id))
        }
        [portal, tenant, id] if !portal.is_empty() && !tenant.is_empty() && !id.is_empty() => {
            Ok(AccountKey::new(portal, Some(tenant), id))
        }
        _ => Err(Stop::Usage(format!(
            "--account `{text}`: expected PORTAL/ID or PORTAL/TENANT/ID, as `review show` prints it"
        ))),
    }
}

/// One row of a decisions file.
#[derive(Debug, serde::Deserialize)]
struct DecisionRow {
    account: String,
    /// `verdict`, or `decision` as `review show --format csv` names it.
    #[serde(alias = "decision")]
    verdict: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    expires: Option<String>,
}

/// Reads a decisions file: `account,verdict,reason,expires`, or what `review show
/// --format csv` prints with its `decision` column filled in (rows still `undecided` are
/// left out, other columns ignored). The first bad line is named with what is wrong in it.
fn decisions_from_csv(path: &Path) -> Result<Vec<Decision>, Stop> {
    let name = path.display();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|error| Stop::Usage(format!("decisions file `{name}`: {error}")))?;
    let mut decisions = Vec::new();
    for (index, row) in reader.deserialize::<DecisionRow>().enumerate() {
        let line = index + 2;
        let bad =
            |what: String| Stop::Usage(format!("decisions file `{name}` line {line}: {what}"));
        let row = row.map_err(|error| bad(error.to_string()))?;
        if row.verdict.trim() == "undecided" {
            continue;
        }
        let verdict = Verdict::parse(row.verdict.trim()).ok_or_else(|| {
            bad(format!(
                "verdict `{}` is not keep, revoke or exception",
                row.verdict
            ))
        })?;
        let expires_on = match row.expires.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(date) => Some(
                chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                    .map_err(|_| bad(format!("expires `{date}` is not a date (YYYY-MM-DD)")))?,
            ),
        };
        decisions.push(Decision {
            account: parse_key(row.account.trim()).map_err(|error| bad(error.to_string()))?,
            verdict,
            reason: row.reason.filter(|reason| !reason.trim().is_empty()),
            expires_on,
        });
    }
    if decisions.is_empty() {
        return Err(Stop::Usage(format!(
            "decisions file `{name}` has no decisions"
        )));
    }
    Ok(decisions)
}

/// An account of the review and its decision, as printed.
#[derive(Debug, Serialize)]
struct Reviewed {
    account: Account,
    decision: Option<DecisionRecord>,
}

/// Prints the review's accounts with their decisions, and its progress on stderr.
fn show(review: &Review, reviewed: &[Reviewed], format: Format) -> Result<Done, Stop> {
    let out = &mut io::stdout().lock();
    match format {
        Format::Json => serde_json::to_writer_pretty(&mut *out, reviewed)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Table | Format::Csv => print_rows(out, reviewed, format),
    }
    .map_err(|error| report::output_stop(&error))?;
    let signed = review.signed.as_ref().map_or_else(
        || "not signed".to_owned(),
        |signature| format!("signed, head {}", signature.head),
    );
    eprintln!(
        "portalctl: review {}: snapshot {}, reviewer {}, {} of {} accounts decided, {signed}",
        review.id.0, review.snapshot.0, review.reviewer, review.decided, review.accounts
    );
    Ok(Done::Complete)
}

fn print_rows(out: &mut dyn Write, reviewed: &[Reviewed], format: Format) -> io::Result<()> {
    let header = [
        "account",
        "email",
        "status",
        "last_login",
        "decision",
        "reason",
        "expires",
        "applied",
    ];
    let rows: Vec<Vec<String>> = reviewed
        .iter()
        .map(|Reviewed { account, decision }| {
            let mut row = vec![
                account.key().to_string(),
                account.email.clone().unwrap_or_default(),
                account.status.clone(),
                account.last_login.to_text(),
            ];
            row.extend(DecisionRecord::columns(decision.as_ref()));
            row
        })
        .collect();
    if format == Format::Csv {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(header)?;
        for row in &rows {
            writer.write_record(row)?;
        }
        return writer.flush();
    }
    let header = header.map(str::to_uppercase);
    write_table(out, &header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_named_as_show_prints_them() {
        assert_eq!(
            parse_key("lm/42").unwrap(),
            AccountKey::new("lm", None, "42")
        );
        assert_eq!(
            parse_key("pp/pp_acme/ppu_1").unwrap(),
            AccountKey::new("pp", Some("pp_acme"), "ppu_1")
        );
        for bad in ["lm", "lm/", "/42", "a/b/c/d", "lm//42"] {
            let error = parse_key(bad).unwrap_err().to_string();
            assert!(error.contains(&format!("`{bad}`")), "{error}");
        }
    }

    #[test]
    fn a_decisions_file_is_read_whole_or_refused_naming_the_line() {
        let dir = std::env::temp_dir().join(format!("portalctl-decisions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("decisions.csv");
        std::fs::write(
            &path,
            "account,verdict,reason,expires\nlm/1,keep,,\nlm/2,exception,break-glass,2027-01-31\n",
        )
        .unwrap();
        let decisions = decisions_from_csv(&path).unwrap();
        assert_eq!(decisions.len(), 2);
        assert_eq!(decisions[0].reason, None);
        assert_eq!(
            decisions[1].expires_on,
            chrono::NaiveDate::from_ymd_opt(2027, 1, 31)
        );

        std::fs::write(
            &path,
            "account,verdict,reason,expires\nlm/1,keep,,\nlm/2,maybe,,\n",
        )
        .unwrap();
        let error = decisions_from_csv(&path).unwrap_err().to_string();
        assert!(
            error.contains("line 3") && error.contains("`maybe`"),
            "{error}"
        );

        // `review show --format csv` with its decision column filled in, one row left.
        std::fs::write(
            &path,
            "account,email,status,last_login,decision,reason,expires,applied\n\
             lm/1,jo@corp.example,active,never,revoke,left,,\n\
             lm/2,al@corp.example,active,never,undecided,,,\n",
        )
        .unwrap();
        let decisions = decisions_from_csv(&path).unwrap();
        assert_eq!(decisions.len(), 1);
        assert_eq!(
            (decisions[0].verdict, decisions[0].reason.as_deref()),
            (Verdict::Revoke, Some("left"))
        );
    }
}
