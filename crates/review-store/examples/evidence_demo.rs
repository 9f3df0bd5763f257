//! Builds a review of N synthetic accounts and exports its evidence bundle: what
//! `cargo xtask evidence-check` opens in headless Chromium.
//!
//! `cargo run -p review-store --example evidence_demo -- [--accounts N] --out DIR`
//!
//! Two snapshots of three portals (one failed in the second), a signed review of the
//! first, and a signed review of the second with keep, revoke and exception decisions.

use std::path::PathBuf;

use chrono::{Duration, NaiveDate, Utc};
use review_store::{
    Account, AccountKey, Decision, LastLogin, PortalOutcome, PortalRun, ReviewId, SnapshotId, Store,
};

const PORTALS: [(&str, &str); 3] = [
    ("acme-logicmonitor", "logicmonitor"),
    ("acme-allthenticate", "allthenticate"),
    ("acme-partners", "partner-portal"),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (accounts, out) = arguments()?;
    let store_path = out.with_extension("sqlite3");
    let _ = std::fs::remove_file(&store_path);
    let mut store = Store::open(&store_path)?;
    let first = snapshot(&mut store, accounts, 0, &PortalOutcome::Ok)?;
    let earlier = review(&mut store, first, accounts, 0)?;
    store.sign(earlier)?;
    let second = snapshot(
        &mut store,
        accounts,
        accounts / 50,
        &PortalOutcome::Failed("HTTP 503 from the portal, retries exhausted".into()),
    )?;
    let current = review(&mut store, second, accounts, accounts / 50)?;
    store.sign(current)?;
    let summary = store.export_evidence(current, &out)?;
    println!(
        "{} accounts, {} decisions, review.html {} bytes: {}",
        summary.accounts,
        summary.decisions,
        summary.html_bytes,
        summary.dir.display()
    );
    Ok(())
}

fn arguments() -> Result<(u64, PathBuf), String> {
    let mut accounts = 2_000;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--accounts" => {
                accounts = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n >= 10)
                    .ok_or("--accounts needs a whole number of at least 10")?;
            }
            "--out" => out = args.next().map(PathBuf::from),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok((accounts, out.ok_or("--out DIR is required")?))
}

/// The `index`th account of `portal`; those below `suspended_below` are suspended.
fn account(portal: usize, index: u64, suspended_below: u64) -> Account {
    let (name, vendor) = PORTALS[portal];
    let days = (index * 37) % 400;
    Account {
        portal: name.to_owned(),
        vendor: vendor.to_owned(),
        tenant: None,
        id: format!("u{index:07}"),
        email: Some(format!("person{index}@acme.example")),
        name: Some(format!("Person {index}")),
        status: if index < suspended_below {
            "suspended"
        } else {
            "active"
        }
        .to_owned(),
        last_login: match index % 23 {
            0 => LastLogin::Never,
            1 => LastLogin::Unknown,
            _ => LastLogin::At(Utc::now() - Duration::days(i64::try_from(days).unwrap_or(0))),
        },
        roles: vec!["readonly".to_owned()],
        groups: vec![format!("team-{}", index % 12)],
        created_at: None,
        provisioned_by: None,
        extra: serde_json::Value::Null,
    }
}

fn snapshot(
    store: &mut Store,
    accounts: u64,
    shift: u64,
    last_outcome: &PortalOutcome,
) -> review_store::Result<SnapshotId> {
    let mut writer = store.begin_snapshot(Some("quarterly access review"))?;
    let per_portal = accounts / 2;
    for (portal, (name, vendor)) in PORTALS.iter().enumerate() {
        let outcome = if portal == PORTALS.len() - 1 {
            last_outcome.clone()
        } else {
            PortalOutcome::Ok
        };
        if outcome == PortalOutcome::Ok && portal < 2 {
            for index in shift..per_portal + shift {
                writer.add_account(&account(portal, index, shift * 2))?;
            }
        }
        let now = Utc::now();
        writer.record_portal(PortalRun {
            portal: (*name).to_owned(),
            vendor: (*vendor).to_owned(),
            scope: None,
            started_at: now,
            finished_at: now,
            endpoints: vec!["GET /users".to_owned()],
            reported: None,
            outcome,
        })?;
    }
    Ok(writer.finish()?.id)
}

fn review(
    store: &mut Store,
    snapshot: SnapshotId,
    accounts: u64,
    shift: u64,
) -> review_store::Result<ReviewId> {
    let scope: Vec<String> = PORTALS[..2]
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let review = store.start_review(snapshot, &scope, "auditor@acme.example")?;
    let expires = NaiveDate::from_ymd_opt(2099, 6, 30).expect("a valid date");
    let mut decisions = Vec::new();
    for (portal, (name, _)) in PORTALS[..2].iter().enumerate() {
        for index in shift..accounts / 2 + shift {
            let key = AccountKey::new(*name, None, format!("u{index:07}"));
            decisions.push(match index % 97 {
                0 => Decision::exception(key, "service account, owner approved", expires),
                _ if account(portal, index, shift * 2).status == "suspended" || index % 41 == 0 => {
                    Decision::revoke(key, Some("no longer employed"))
                }
                _ => Decision::keep(key),
            });
        }
    }
    store.decide(review, &decisions)?;
    Ok(review)
}
