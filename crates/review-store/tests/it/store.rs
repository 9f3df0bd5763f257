//! The store end to end on real SQLite files: snapshots, diffs, reviews, the event
//! chain, and the refusals a user can run into.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use review_store::{
    Account, AccountKey, ChainCheck, Decision, DiffEntry, Error, EventKind, Field, LastLogin,
    PortalOutcome, PortalRun, SCHEMA_VERSION, SnapshotId, Store,
};

/// A fresh store file for `name`, removed first if an earlier run left it.
fn store_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("review-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.sqlite3"));
    let _ = std::fs::remove_file(&path);
    path
}

fn account(portal: &str, id: &str, status: &str, groups: &[&str]) -> Account {
    Account {
        portal: portal.to_owned(),
        vendor: "logicmonitor".to_owned(),
        tenant: None,
        id: id.to_owned(),
        email: Some(format!("{id}@corp.example")),
        name: Some(id.to_uppercase()),
        status: status.to_owned(),
        last_login: LastLogin::At(Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap()),
        roles: vec!["readonly".to_owned()],
        groups: groups.iter().map(|group| (*group).to_owned()).collect(),
        created_at: None,
        provisioned_by: None,
        extra: serde_json::Value::Null,
    }
}

fn run(portal: &str, outcome: PortalOutcome) -> PortalRun {
    let now = Utc::now();
    PortalRun {
        portal: portal.to_owned(),
        vendor: "logicmonitor".to_owned(),
        scope: None,
        started_at: now,
        finished_at: now,
        endpoints: vec!["GET /setting/admins".to_owned()],
        reported: None,
        outcome,
    }
}

/// Records one snapshot: `accounts` for portal `lm`, and portal `at` as `at_outcome`.
fn snapshot(store: &mut Store, accounts: &[Account], at_outcome: PortalOutcome) -> SnapshotId {
    let mut writer = store.begin_snapshot(None).unwrap();
    for account in accounts {
        writer.add_account(account).unwrap();
    }
    writer.record_portal(run("lm", PortalOutcome::Ok)).unwrap();
    writer.record_portal(run("at", at_outcome)).unwrap();
    writer.finish().unwrap().id
}

#[test]
fn a_snapshot_is_recorded_whole_with_its_provenance_and_read_back_in_key_order() {
    let path = store_file("snapshot");
    let mut store = Store::open(&path).unwrap();
    let id = snapshot(
        &mut store,
        &[
            account("lm", "b", "active", &[]),
            account("lm", "a", "active", &["ops"]),
        ],
        PortalOutcome::Failed("connection refused".into()),
    );
    drop(store);

    let store = Store::open(&path).unwrap();
    let recorded = store.snapshot(id).unwrap();
    assert!(
        !recorded.is_complete(),
        "a failed portal makes it incomplete"
    );
    let returned: Vec<_> = recorded
        .portals
        .iter()
        .map(|portal| {
            (
                portal.run.portal.as_str(),
                portal.returned,
                &portal.run.outcome,
            )
        })
        .collect();
    assert_eq!(
        returned,
        [
            ("at", 0, &PortalOutcome::Failed("connection refused".into())),
            ("lm", 2, &PortalOutcome::Ok)
        ]
    );
    let mut ids = Vec::new();
    store
        .for_each_account(id, &[], |account| {
            ids.push(account.id);
            Ok(())
        })
        .unwrap();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn a_snapshot_not_finished_leaves_nothing_behind() {
    let path = store_file("unfinished");
    let mut store = Store::open(&path).unwrap();
    {
        let mut writer = store.begin_snapshot(Some("cut short")).unwrap();
        writer
            .add_account(&account("lm", "a", "active", &[]))
            .unwrap();
    }
    assert!(store.snapshots().unwrap().is_empty());

    // Accounts of a portal whose run is never recorded are refused at the end.
    let mut writer = store.begin_snapshot(None).unwrap();
    writer
        .add_account(&account("lm", "a", "active", &[]))
        .unwrap();
    assert!(matches!(writer.finish(), Err(Error::PortalNotRecorded(portal)) if portal == "lm"));
    assert!(store.snapshots().unwrap().is_empty());
}

#[test]
fn a_diff_names_what_was_added_removed_and_changed_and_skips_failed_portals() {
    let mut store = Store::open(store_file("diff")).unwrap();
    let before = snapshot(
        &mut store,
        &[
            account("lm", "kept", "active", &["ops"]),
            account("lm", "moved", "active", &["ops"]),
            account("lm", "gone", "active", &[]),
        ],
        PortalOutcome::Ok,
    );
    let after = snapshot(
        &mut store,
        &[
            account("lm", "kept", "active", &["ops"]),
            account("lm", "moved", "suspended", &["Suspended"]),
            account("lm", "new", "active", &[]),
        ],
        PortalOutcome::Failed("timed out".into()),
    );
    assert_eq!(store.last_two_snapshots().unwrap(), (before, after));

    let mut entries = Vec::new();
    let counts = store
        .diff(before, after, &[])
        .unwrap()
        .for_each(|entry| {
            entries.push(entry);
            Ok(())
        })
        .unwrap();

    assert_eq!(
        (
            counts.added,
            counts.removed,
            counts.changed,
            counts.unchanged
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(counts.skipped.len(), 1);
    assert_eq!(counts.skipped[0].portal, "at");
    let summary: Vec<_> = entries
        .iter()
        .map(|entry| match entry {
            DiffEntry::Added { account } => format!("added {}", account.id),
            DiffEntry::Removed { account } => format!("removed {}", account.id),
            DiffEntry::Changed { account, changes } => format!(
                "changed {}: {}",
                account.id,
                changes
                    .iter()
                    .map(|change| format!(
                        "{} {}->{}",
                        change.field.as_str(),
                        change.old,
                        change.new
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "removed gone",
            "changed moved: status active->suspended, groups ops->Suspended",
            "added new"
        ]
    );
    assert!(matches!(
        &entries[1],
        DiffEntry::Changed { changes, .. } if changes.iter().map(|c| c.field).collect::<Vec<_>>() == [Field::Status, Field::Groups]
    ));
}

#[test]
fn a_diff_of_many_accounts_walks_every_chunk_of_both_snapshots() {
    let mut store = Store::open(store_file("diff-many")).unwrap();
    let many = |range: std::ops::Range<u32>, changed_every: u32| -> Vec<Account> {
        range
            .map(|index| {
                let status = if changed_every > 0 && index % changed_every == 0 {
                    "suspended"
                } else {
                    "active"
                };
                account("lm", &format!("u{index:06}"), status, &["ops"])
            })
            .collect()
    };
    let before = snapshot(&mut store, &many(0..20_000, 0), PortalOutcome::Ok);
    let after = snapshot(&mut store, &many(150..20_150, 1_000), PortalOutcome::Ok);

    let mut seen = (0, 0, 0);
    let counts = store
        .diff(before, after, &[])
        .unwrap()
        .for_each(|entry| {
            match entry {
                DiffEntry::Added { .. } => seen.0 += 1,
                DiffEntry::Removed { .. } => seen.1 += 1,
                DiffEntry::Changed { .. } => seen.2 += 1,
            }
            Ok(())
        })
        .unwrap();

    // u001000 .. u019000 changed: 19 accounts; the 150 new ones include u020000.
    assert_eq!(seen, (150, 150, 19));
    assert_eq!(
        (
            counts.added,
            counts.removed,
            counts.changed,
            counts.unchanged
        ),
        (150, 150, 19, 19_850 - 19)
    );
}

#[test]
fn a_review_is_signed_only_when_every_account_is_decided_and_is_then_immutable() {
    let mut store = Store::open(store_file("review")).unwrap();
    let id = snapshot(
        &mut store,
        &[
            account("lm", "a", "active", &[]),
            account("lm", "b", "active", &[]),
        ],
        PortalOutcome::Ok,
    );
    let lm = ["lm".to_owned()];
    let review = store.start_review(id, &lm, "auditor@corp.example").unwrap();
    let key = |id: &str| AccountKey::new("lm", None, id);

    store.decide(review, &[Decision::keep(key("a"))]).unwrap();
    assert!(matches!(
        store.sign(review),
        Err(Error::Undecided { undecided: 1, .. })
    ));
    let outside = Decision::keep(key("nobody"));
    assert!(matches!(
        store.decide(review, &[outside]),
        Err(Error::AccountNotInReview { .. })
    ));
    let expires = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    store
        .decide(
            review,
            &[Decision::exception(key("b"), "break-glass", expires)],
        )
        .unwrap();

    let signature = store.sign(review).unwrap();
    assert!(matches!(store.sign(review), Err(Error::AlreadySigned(_))));
    assert!(matches!(
        store.decide(review, &[Decision::revoke(key("a"), None)]),
        Err(Error::ReviewSigned(_))
    ));
    let decisions = store.decisions(review).unwrap();
    assert_eq!(decisions.len(), 2);
    assert_eq!(decisions[1].decision.expires_on, Some(expires));

    // The chain: opened, two decisions, signed; each entry links to the one before.
    let events = store.events(review).unwrap();
    let kinds: Vec<_> = events.iter().map(|event| event.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Opened.as_str(),
            EventKind::Decided.as_str(),
            EventKind::Decided.as_str(),
            EventKind::Signed.as_str()
        ]
    );
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
    }
    assert_eq!(events[0].prev_hash, "0".repeat(64));
    assert_eq!(
        signature.head, events[3].hash,
        "the signature seals the chain's head"
    );
}

#[test]
fn a_reviewer_who_provisioned_an_account_in_scope_can_not_sign() {
    let mut store = Store::open(store_file("provisioner")).unwrap();
    let mut provisioned = account("lm", "a", "active", &[]);
    provisioned.provisioned_by = Some("alice@corp.example".to_owned());
    let id = snapshot(&mut store, &[provisioned], PortalOutcome::Ok);
    let review = store
        .start_review(id, &["lm".to_owned()], "alice@corp.example")
        .unwrap();
    store
        .decide(review, &[Decision::keep(AccountKey::new("lm", None, "a"))])
        .unwrap();

    assert!(matches!(
        store.sign(review),
        Err(Error::ReviewerProvisioned { count: 1, .. })
    ));
}

#[test]
fn a_portal_that_failed_can_not_be_reviewed() {
    let mut store = Store::open(store_file("failed-scope")).unwrap();
    let id = snapshot(&mut store, &[], PortalOutcome::Failed("HTTP 503".into()));
    assert!(matches!(
        store.start_review(id, &["at".to_owned()], "auditor"),
        Err(Error::PortalFailed { .. })
    ));
    assert!(matches!(
        store.start_review(id, &["nope".to_owned()], "auditor"),
        Err(Error::UnknownPortal { .. })
    ));
}

#[test]
fn files_that_are_not_this_programs_store_are_refused_and_left_as_they_were() {
    let text = store_file("not-a-database");
    std::fs::write(&text, "portal,id\nlm,1\n").unwrap();
    assert!(matches!(
        Store::open(&text),
        Err(Error::NotADatabase { .. })
    ));
    assert_eq!(std::fs::read_to_string(&text).unwrap(), "portal,id\nlm,1\n");

    let newer = store_file("newer");
    drop(Store::open(&newer).unwrap());
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let error = Store::open(&newer).unwrap_err();
    assert!(matches!(error, Error::NewerSchema { found, .. } if found == SCHEMA_VERSION + 1));
    assert!(
        error.to_string().contains("use a newer portalctl"),
        "{error}"
    );

    let empty = store_file("unknown-ids");
    let store = Store::open(&empty).unwrap();
    assert!(matches!(
        store.snapshot(SnapshotId(7)),
        Err(Error::UnknownSnapshot(SnapshotId(7)))
    ));
    assert!(matches!(
        store.last_two_snapshots(),
        Err(Error::NotEnoughSnapshots(0))
    ));
}

/// A signed review of two accounts (a kept, b revoked) in a fresh store; the store's path.
fn signed_review(name: &str) -> (PathBuf, review_store::ReviewId) {
    let path = store_file(name);
    let mut store = Store::open(&path).unwrap();
    let id = snapshot(
        &mut store,
        &[
            account("lm", "a", "active", &[]),
            account("lm", "b", "active", &[]),
        ],
        PortalOutcome::Ok,
    );
    let review = store
        .start_review(id, &["lm".to_owned()], "auditor")
        .unwrap();
    let key = |id: &str| AccountKey::new("lm", None, id);
    store.decide(review, &[Decision::keep(key("a"))]).unwrap();
    store
        .decide(review, &[Decision::revoke(key("b"), Some("left in May"))])
        .unwrap();
    store.sign(review).unwrap();
    (path, review)
}

/// Edits the store file behind the program's back, as someone with the file could.
fn tamper(path: &PathBuf, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    assert_eq!(conn.execute(sql, []).unwrap(), 1, "{sql}");
}

fn broken_at(path: &PathBuf, review: review_store::ReviewId) -> (Option<u64>, String) {
    match Store::open(path).unwrap().verify(review).unwrap() {
        ChainCheck::Broken { seq, kind, .. } => (seq, kind),
        intact @ ChainCheck::Intact { .. } => panic!("tampering went unnoticed: {intact}"),
    }
}

#[test]
fn an_untouched_review_verifies_and_its_head_is_the_signature() {
    let (path, review) = signed_review("verify-intact");
    let store = Store::open(&path).unwrap();
    let signature = store.review(review).unwrap().signed.unwrap();
    assert_eq!(
        store.verify(review).unwrap(),
        ChainCheck::Intact {
            entries: 4,
            head: signature.head
        }
    );
}

#[test]
fn editing_one_row_breaks_verification_naming_the_entry() {
    // A decision's reason edited in its table: the entry that made it is named.
    let (path, review) = signed_review("verify-decision");
    tamper(
        &path,
        "UPDATE decisions SET reason = 'approved by CFO' WHERE account_id = 'b'",
    );
    assert_eq!(broken_at(&path, review), (Some(3), "decided".to_owned()));

    // An entry's content edited: that entry.
    let (path, review) = signed_review("verify-content");
    tamper(
        &path,
        "UPDATE review_events SET content = replace(content, 'revoke', 'keep') WHERE seq = 3",
    );
    assert_eq!(broken_at(&path, review), (Some(3), "decided".to_owned()));

    // An entry removed: the gap.
    let (path, review) = signed_review("verify-removed");
    tamper(&path, "DELETE FROM review_events WHERE seq = 2");
    assert_eq!(broken_at(&path, review), (Some(2), "missing".to_owned()));

    // The reviewed population edited after the review opened: the opening entry.
    let (path, review) = signed_review("verify-accounts");
    tamper(
        &path,
        "UPDATE accounts SET status = 'suspended' WHERE account_id = 'a'",
    );
    assert_eq!(broken_at(&path, review), (Some(1), "opened".to_owned()));
}

#[test]
fn the_evidence_bundle_holds_every_account_and_a_self_contained_page() {
    let path = store_file("evidence");
    let mut store = Store::open(&path).unwrap();
    let leaver = account("lm", "c", "suspended", &[]);
    let first = snapshot(
        &mut store,
        &[
            account("lm", "a", "active", &[]),
            account("lm", "b", "active", &[]),
        ],
        PortalOutcome::Ok,
    );
    let earlier = store
        .start_review(first, &["lm".to_owned()], "auditor")
        .unwrap();
    let key = |id: &str| AccountKey::new("lm", None, id);
    store
        .decide(
            earlier,
            &[Decision::keep(key("a")), Decision::keep(key("b"))],
        )
        .unwrap();
    store.sign(earlier).unwrap();
    let second = snapshot(
        &mut store,
        &[
            account("lm", "a", "active", &[]),
            account("lm", "b", "active", &[]),
            leaver,
        ],
        PortalOutcome::Failed("HTTP 503 from the portal".into()),
    );
    let review = store
        .start_review(second, &["lm".to_owned()], "auditor")
        .unwrap();
    store
        .decide(
            review,
            &[
                Decision::keep(key("a")),
                Decision::exception(
                    key("b"),
                    "break-glass",
                    NaiveDate::from_ymd_opt(2099, 1, 1).unwrap(),
                ),
                Decision::revoke(key("c"), Some("<script>left</script> & gone")),
            ],
        )
        .unwrap();
    store.sign(review).unwrap();
    let out = path.with_extension("evidence");
    let _ = std::fs::remove_dir_all(&out);

    let summary = store.export_evidence(review, &out).unwrap();

    assert_eq!((summary.accounts, summary.decisions), (3, 3));
    let accounts = std::fs::read_to_string(out.join("accounts.csv")).unwrap();
    assert_eq!(accounts.lines().count(), 4, "{accounts}");
    assert!(
        accounts.lines().any(|line| line.starts_with("lm,,c,")
            && line.contains(",revoke,<script>left</script> & gone,"))
    );
    let decisions = std::fs::read_to_string(out.join("decisions.csv")).unwrap();
    assert!(
        decisions.contains("lm,,b,exception,break-glass,2099-01-01"),
        "{decisions}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("review.json")).unwrap()).unwrap();
    assert_eq!(json["chain_intact"], true);
    assert_eq!(
        json["changes_since_previous"]["counts"]["added"], 1,
        "c is new since the previous review"
    );
    assert_eq!(json["portals"]["lm"]["revoke"], 1);
    let html = std::fs::read_to_string(out.join("review.html")).unwrap();
    assert_eq!(summary.html_bytes, html.len() as u64);
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing is fetched"
    );
    assert!(!html.contains("<script"), "no script, and text is escaped");
    assert!(html.contains("&lt;script&gt;left&lt;/script&gt; &amp; gone"));
    assert!(html.contains("<span class=\"failed\">failed</span>: HTTP 503 from the portal"));
    assert!(html.contains("<svg"), "the inactivity chart is inline");

    // An existing, non-empty directory is refused and left as it was.
    let refused = store.export_evidence(review, &out).unwrap_err();
    assert!(refused.to_string().contains("is not empty"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(out.join("review.html")).unwrap(),
        html
    );
}
