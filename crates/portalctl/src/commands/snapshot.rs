//! `snapshot`: records the accounts of every configured portal in the review store, with
//! each portal's provenance: when it was listed, through which endpoints, how many
//! accounts it reported and returned, and whether it failed. A portal that failed, or
//! whose API can not list users (ThreatLocker), is recorded as failed with the reason:
//! its accounts are unknown, never "no users".

use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use review_store::{Account, LastLogin, PortalOutcome, PortalRun, Snapshot};

use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::output::write_table;
use crate::portal::{Listing, Operation, PortalError, unsupported};
use crate::record::{self, UserRecord};
use crate::report;
use crate::runner::Runner;
use crate::store;

/// Lists every portal and records what it returned as one snapshot in the store at
/// `store_path`.
pub async fn run(runner: &Runner<'_>, store_path: &Path, note: Option<&str>) -> Result<Done, Stop> {
    // Opened first: a store that can not be written stops the run before any request.
    let mut store = store::open(store_path)?;
    let started = Utc::now();
    let listings = runner.directory().list(None).await;
    let finished = Utc::now();
    let failed = listings
        .iter()
        .filter(|(_, listing)| listing.is_err())
        .count();
    let fail = |error: review_store::Error| store::stop(store_path, &error);
    let mut writer = store.begin_snapshot(note).map_err(fail)?;
    for (portal, listing) in &listings {
        let (run, users) = provenance(portal, listing, started, finished);
        match (&run.outcome, listing) {
            (PortalOutcome::Failed(reason), Err(_)) => report::failure(&portal.name, reason),
            (PortalOutcome::Failed(reason), Ok(_)) => report::note(&portal.name, reason),
            (PortalOutcome::Ok, _) => {}
        }
        for user in users {
            writer.add_account(&account(user)).map_err(fail)?;
        }
        writer.record_portal(run).map_err(fail)?;
    }
    let snapshot = writer.finish().map_err(fail)?;
    print(&mut io::stdout().lock(), &snapshot).map_err(|error| report::output_stop(&error))?;
    eprintln!(
        "portalctl: snapshot {} recorded in {}",
        snapshot.id.0,
        store_path.display()
    );
    Ok(Done::from_counts(listings.len(), failed))
}

/// One portal's run and the users to record for it, from its listing.
pub fn provenance<'l>(
    portal: &Connected,
    listing: &'l Result<Listing, PortalError>,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
) -> (PortalRun, &'l [UserRecord]) {
    let mut scope = None;
    let (reported, outcome, users): (_, _, &[UserRecord]) = match listing {
        Ok(Listing::Users(users)) => (None, PortalOutcome::Ok, users),
        Ok(Listing::Partial { users, reported }) => (Some(*reported), PortalOutcome::Ok, users),
        Ok(Listing::Unlisted {
            child_organizations,
        }) => {
            // The organizations the API shows, each to be checked by hand.
            let ids: Vec<String> = child_organizations
                .iter()
                .map(ToString::to_string)
                .collect();
            scope = Some(format!(
                "its organization and {} child organizations: {}",
                ids.len(),
                ids.join(", ")
            ));
            (
                None,
                PortalOutcome::Failed(format!(
                    "not listed: {}; its organization and {} child organizations must be checked by hand",
                    unsupported(portal.vendor(), Operation::List),
                    child_organizations.len()
                )),
                &[],
            )
        }
        Err(error) => (None, PortalOutcome::Failed(error.to_string()), &[]),
    };
    let run = PortalRun {
        portal: portal.name.clone(),
        vendor: portal.vendor().to_string(),
        scope,
        started_at,
        finished_at,
        endpoints: portal
            .listing_endpoints()
            .iter()
            .map(|endpoint| (*endpoint).to_owned())
            .collect(),
        reported,
        outcome,
    };
    (run, users)
}

/// A normalized user as the store records it.
pub fn account(user: &UserRecord) -> Account {
    Account {
        portal: user.portal.clone(),
        vendor: user.vendor.to_string(),
        tenant: user.tenant.clone(),
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        status: user.status.as_str().to_owned(),
        last_login: match user.last_login {
            record::LastLogin::At(at) => LastLogin::At(at),
            record::LastLogin::Never => LastLogin::Never,
            record::LastLogin::Unknown => LastLogin::Unknown,
        },
        roles: user.roles.clone(),
        groups: user.groups.clone(),
        created_at: None,
        provisioned_by: user.provisioned_by.clone(),
        extra: serde_json::Value::Null,
    }
}

/// The snapshot's per-portal table.
fn print(out: &mut dyn io::Write, snapshot: &Snapshot) -> io::Result<()> {
    let header = ["PORTAL", "VENDOR", "OUTCOME", "RETURNED", "REPORTED"].map(str::to_owned);
    let rows: Vec<Vec<String>> = snapshot
        .portals
        .iter()
        .map(|portal| {
            vec![
                portal.run.portal.clone(),
                portal.run.vendor.clone(),
                match &portal.run.outcome {
                    PortalOutcome::Ok => "ok".to_owned(),
                    PortalOutcome::Failed(_) => "failed".to_owned(),
                },
                portal.returned.to_string(),
                portal
                    .run
                    .reported
                    .map_or_else(|| "-".to_owned(), |reported| reported.to_string()),
            ]
        })
        .collect();
    write_table(out, &header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::tests::user;

    #[test]
    fn a_portal_that_failed_or_can_not_list_is_recorded_failed_with_no_accounts() {
        let directory = four();
        let portal = |name| directory.get(name).unwrap();
        let now = Utc::now();
        let failed: Result<Listing, PortalError> =
            Err(PortalError::NotFound("connection refused".into()));
        let (run, users) = provenance(portal("lm"), &failed, now, now);
        assert_eq!(
            run.outcome,
            PortalOutcome::Failed("connection refused".into())
        );
        assert!(users.is_empty());

        let child = uuid::Uuid::from_u128(0x5eed);
        let unlisted = Ok(Listing::Unlisted {
            child_organizations: vec![child; 4],
        });
        let (run, users) = provenance(portal("tl"), &unlisted, now, now);
        let scope = run.scope.unwrap();
        assert!(
            scope.starts_with("its organization and 4 child organizations: ")
                && scope.matches(&child.to_string()).count() == 4,
            "each organization to check is named: {scope}"
        );
        let PortalOutcome::Failed(reason) = run.outcome else {
            panic!("an unlisted portal is not recorded as listed");
        };
        assert!(reason.contains("4 child organizations"), "{reason}");
        assert!(users.is_empty());
    }

    #[test]
    fn a_short_listing_keeps_what_the_portal_reported() {
        let directory = four();
        let now = Utc::now();
        let partial = Ok(Listing::Partial {
            users: vec![user("lm", "1"), user("lm", "2")],
            reported: 5,
        });
        let (run, users) = provenance(directory.get("lm").unwrap(), &partial, now, now);
        assert_eq!((run.reported, run.outcome), (Some(5), PortalOutcome::Ok));
        assert_eq!(users.len(), 2);
        assert_eq!(
            run.endpoints,
            ["GET /setting/admin/groups", "GET /setting/admins"]
        );
    }
}
