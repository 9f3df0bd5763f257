//! The policy's rules, each with a test that fails if the rule were wrong.

use super::test_support::{account, days_ago, now};
use super::*;
use crate::config::Vendor;

const EXAMPLE: &str = include_str!("../../examples/policy.toml");

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap_or_else(|error| panic!("{error}"))
}

fn refused(text: &str) -> PolicyError {
    Policy::parse(text).expect_err("the policy should be refused")
}

const BASE: &str = "[defaults]\ndormant_after = 45\nsuspend_after = 45\n";

fn dormant_lm(days: i64) -> Account {
    account("acme-lm", |user| {
        user.signals
            .insert(Signal::LastLoginOn, Some(days_ago(days)));
    })
}

#[test]
fn the_example_parses_and_its_rules_select_their_accounts() {
    let policy = policy(EXAMPLE);
    let human = dormant_lm(10);
    let api = account("acme-lm", |user| user.api_only = true);
    let partner = account("acme-partners", |user| user.vendor = Vendor::PartnerPortal);
    let days = |account: &Account| policy.thresholds(account).dormant_after.get();
    assert_eq!(days(&human), 45, "cis-5.3 by default");
    assert_eq!(days(&api), 180, "cmmc for API-only LogicMonitor users");
    assert_eq!(days(&partner), 90, "pci for this portal");
    let thresholds = policy.thresholds(&partner);
    assert_eq!(
        thresholds
            .move_after
            .map(|(days, group)| (days.get(), group)),
        Some((60, "Suspended"))
    );
    assert_eq!(thresholds.delete_after_suspended.map(Days::get), Some(90));
    assert_eq!(
        policy.signals(Vendor::Logicmonitor),
        [
            Signal::LastLoginOn,
            Signal::LastActionOn,
            Signal::ApiTokenLastUsedOn
        ]
    );
}

#[test]
fn presets_and_whole_days_set_the_dormancy_threshold() {
    for (value, days) in [
        ("\"cis-5.3\"", 45),
        ("\"pci\"", 90),
        ("\"cmmc\"", 180),
        ("14", 14),
    ] {
        let policy = policy(&format!("[defaults]\ndormant_after = {value}\n"));
        let user = dormant_lm(days - 1);
        assert_eq!(
            policy.thresholds(&user).dormant_after.get(),
            u32::try_from(days).unwrap()
        );
        assert_eq!(
            policy.evaluate(&user, now()).classification,
            Classification::Active
        );
        let user = dormant_lm(days);
        assert_eq!(
            policy.evaluate(&user, now()).classification,
            Classification::Dormant
        );
    }
}

#[test]
fn bad_policy_files_are_refused_naming_the_line() {
    let cases: [(&str, &[usize], &str); 14] = [
        (
            "[defaults]\ndormant_after = 45\nsuspend_aftre = 90\n",
            &[3],
            "suspend_aftre",
        ),
        (
            "[defaults]\ndormant_after = 45\n[stages]\nwarn = 1\n",
            &[3],
            "stages",
        ),
        ("[defaults]\ndormant_after = 0\n", &[2], "0 days is refused"),
        (
            "[defaults]\ndormant_after = 45\n\nsuspend_after = \"hipaa\"\n",
            &[4],
            "unknown preset",
        ),
        (
            "[signals]\nlogicmonitor = [\"lastLoginOn\",\n  \"lastSeenOn\"]\n[defaults]\ndormant_after = 45\n",
            &[3],
            "`lastSeenOn` is not a logicmonitor activity field",
        ),
        (
            "[signals]\nallthenticate = [\"lastLoginOn\"]\n[defaults]\ndormant_after = 45\n",
            &[2],
            "not a allthenticate activity field",
        ),
        (
            "[signals]\nokta = [\"lastLogin\"]\n[defaults]\ndormant_after = 45\n",
            &[2],
            "okta",
        ),
        (
            "[signals]\nthreatlocker = [\"lastLogin\"]\n[defaults]\ndormant_after = 45\n",
            &[2],
            "documents no activity signal",
        ),
        (
            "[defaults]\nwarn_after = 30\n",
            &[1],
            "needs `dormant_after`",
        ),
        (
            "[defaults]\ndormant_after = 45\nvendor = \"logicmonitor\"\n",
            &[3],
            "[[rules]]",
        ),
        (
            "[defaults]\ndormant_after = 45\n[[rules]]\nsuspend_after = 90\n",
            &[3, 4],
            "a rule needs",
        ),
        (
            "[defaults]\ndormant_after = 45\nmove_after = 60\n",
            &[3],
            "needs `move_to_group`",
        ),
        (
            "[defaults]\ndormant_after = 45\n[exclude]\nemails = [\"*@msp.example\", \" \"]\n",
            &[4],
            "empty email pattern",
        ),
        (
            "[defaults]\ndormant_after = 45\n[[rules]]\nkind = \"robot\"\ndormant_after = 90\n",
            &[4],
            "robot",
        ),
    ];
    for (text, lines, message) in cases {
        let error = refused(text);
        assert!(
            lines.contains(error.lines.first().unwrap_or(&0)),
            "{text}: expected line {lines:?}, got {error}"
        );
        assert!(error.message.contains(message), "{text}: {error}");
        assert!(error.to_string().starts_with("policy line"), "{error}");
    }
}

#[test]
fn overlapping_rules_that_disagree_are_refused_naming_both_lines() {
    let text = "[defaults]\ndormant_after = 45\n\n[[rules]]\nvendor = \"logicmonitor\"\nsuspend_after = 90\n\n[[rules]]\nkind = \"api-only\"\nsuspend_after = \"cmmc\"\n";
    let error = refused(text);
    assert_eq!(error.lines, [6, 10], "{error}");
    assert!(
        error
            .message
            .contains("`suspend_after` (90 days vs 180 days)"),
        "{error}"
    );
    assert!(
        error.to_string().starts_with("policy lines 6 and 10:"),
        "{error}"
    );

    // Told apart by a selector, or agreeing: accepted.
    policy(
        "[defaults]\ndormant_after = 45\n[[rules]]\nportal = \"a\"\nsuspend_after = 90\n[[rules]]\nportal = \"b\"\nsuspend_after = 180\n",
    );
    policy(
        "[defaults]\ndormant_after = 45\n[[rules]]\nvendor = \"logicmonitor\"\nsuspend_after = 90\n[[rules]]\nkind = \"api-only\"\nsuspend_after = \"pci\"\n",
    );
}

#[test]
fn the_default_signal_is_the_most_recent_and_a_chosen_one_is_used_alone() {
    let user = account("acme-lm", |user| {
        user.signals
            .insert(Signal::LastLoginOn, Some(days_ago(200)));
        user.signals.insert(Signal::LastActionOn, Some(days_ago(3)));
    });
    let default = policy(BASE).evaluate(&user, now());
    assert_eq!(default.classification, Classification::Active);
    assert_eq!(default.signal, Some(Signal::LastActionOn));
    let login_only = policy(&format!(
        "[signals]\nlogicmonitor = [\"lastLoginOn\"]\n{BASE}"
    ))
    .evaluate(&user, now());
    assert_eq!(login_only.classification, Classification::Dormant);
    assert_eq!(login_only.signal, Some(Signal::LastLoginOn));
    assert_eq!(login_only.actions, [Action::Suspend]);

    let whaly = policy(&format!(
        "[signals]\npartner-portal = [\"lastLoggedAt\"]\n{BASE}"
    ));
    assert_eq!(whaly.signals(Vendor::PartnerPortal), [Signal::LastLoggedAt]);
}

#[test]
fn unknown_is_never_acted_on() {
    let eager = policy(
        "[defaults]\ndormant_after = 1\nnever_logged_in = \"always\"\nwarn_after = 1\nsuspend_after = 1\nmove_after = 1\nmove_to_group = \"Suspended\"\ndelete_after_suspended = 1\n[signals]\nlogicmonitor = [\"lastLoginOn\"]\n",
    );
    let threatlocker = account("tl", |user| user.vendor = Vendor::Threatlocker);
    let unchosen_signal_only = account("acme-lm", |user| {
        user.signals
            .insert(Signal::LastAccessOn, Some(days_ago(900)));
        user.created_at = Some(days_ago(1000));
    });
    let suspended = account("acme-lm", |user| {
        user.status = AccountStatus::Suspended;
        user.suspended_since = Some(days_ago(500));
    });
    for user in [threatlocker, unchosen_signal_only, suspended] {
        let planned = eager.evaluate(&user, now());
        assert_eq!(planned.classification, Classification::Unknown, "{user:?}");
        assert_eq!(
            (planned.stage, planned.actions.as_slice()),
            (None, &[][..]),
            "{user:?}"
        );
        assert!(
            planned.reason.contains("never acted on"),
            "{}",
            planned.reason
        );
    }
}

#[test]
fn never_logged_in_is_acted_on_only_when_old_enough_or_when_the_policy_says_so() {
    let policy_text = "[defaults]\ndormant_after = 45\nsuspend_after = 45\n";
    let when_older = policy(policy_text);
    let never = |created: Option<i64>| {
        account("acme-lm", |user| {
            user.signals.insert(Signal::LastLoginOn, None);
            user.created_at = created.map(days_ago);
        })
    };
    let young = when_older.evaluate(&never(Some(10)), now());
    assert_eq!(young.classification, Classification::NeverLoggedIn);
    assert_eq!(young.stage, None);
    assert!(young.actions.is_empty());
    assert!(
        young.reason.contains("created 10 days ago"),
        "{}",
        young.reason
    );
    let old = when_older.evaluate(&never(Some(60)), now());
    assert_eq!(
        (old.stage, old.actions.as_slice()),
        (Some(Stage::Suspend), &[Action::Suspend][..])
    );
    let undated = when_older.evaluate(&never(None), now());
    assert_eq!(undated.stage, None, "creation date unknown: not acted on");

    let always = policy(&format!("{policy_text}never_logged_in = \"always\"\n"));
    for created in [None, Some(1)] {
        let planned = always.evaluate(&never(created), now());
        assert_eq!(planned.actions, [Action::Suspend], "{created:?}");
    }
}

#[test]
fn every_exclusion_spares_the_account_and_names_its_rule_and_line() {
    let policy = policy(
        "[defaults]\ndormant_after = 45\nsuspend_after = 45\n\
         [exclude]\nemails = [\"*@MSP.example\"]\nusernames = [\"svc-?\"]\ngroups = [\"Break Glass\"]\nroles = [\"account owner\"]\napi_only = true\n\
         [break_glass]\naccounts = [\"emergency@acme.example\"]\n",
    );
    let dormant = |edit: &dyn Fn(&mut Account)| {
        let mut user = dormant_lm(400);
        edit(&mut user);
        user
    };
    let cases: [(Account, ExclusionRule, &str, usize); 6] = [
        (
            dormant(&|user| {
                user.email = Some("Emergency@Acme.example".into());
                user.api_only = true;
            }),
            ExclusionRule::BreakGlass,
            "emergency@acme.example",
            11,
        ),
        (
            dormant(&|user| user.email = Some("tech@msp.example".into())),
            ExclusionRule::Email,
            "*@msp.example",
            5,
        ),
        (
            dormant(&|user| user.username = Some("svc-1".into())),
            ExclusionRule::Username,
            "svc-?",
            6,
        ),
        (
            dormant(&|user| user.groups = vec!["break glass".into()]),
            ExclusionRule::Group,
            "break glass",
            7,
        ),
        (
            dormant(&|user| user.roles = vec!["Account Owner".into()]),
            ExclusionRule::Role,
            "account owner",
            8,
        ),
        (
            dormant(&|user| user.api_only = true),
            ExclusionRule::ApiOnly,
            "api_only",
            9,
        ),
    ];
    for (user, rule, entry, line) in cases {
        let planned = policy.evaluate(&user, now());
        assert_eq!(planned.classification, Classification::Dormant);
        assert_eq!((planned.stage, planned.actions.as_slice()), (None, &[][..]));
        let exclusion = planned.excluded_by.expect("excluded");
        assert_eq!(
            (exclusion.rule, exclusion.entry.as_str(), exclusion.line),
            (rule, entry, line)
        );
        assert!(
            planned.reason.contains(&format!("policy line {line}")),
            "{}",
            planned.reason
        );
    }
    let other = policy.evaluate(
        &dormant(&|user| user.username = Some("svc-12".into())),
        now(),
    );
    assert_eq!(other.excluded_by, None);
    assert_eq!(other.actions, [Action::Suspend]);
}

fn staged() -> Policy {
    policy(
        "[defaults]\ndormant_after = 45\nwarn_after = 30\nsuspend_after = 45\nmove_after = 60\nmove_to_group = \"Suspended\"\n\
         [[rules]]\nportal = \"deleting\"\ndelete_after_suspended = 90\n",
    )
}

#[test]
fn each_stage_starts_at_its_own_threshold() {
    let policy = staged();
    let plan = |days: i64| {
        let planned = policy.evaluate(&dormant_lm(days), now());
        (planned.stage, planned.actions)
    };
    assert_eq!(plan(29), (None, vec![]));
    assert_eq!(
        plan(30),
        (Some(Stage::Warn), vec![Action::Warn]),
        "warn reaches active accounts"
    );
    assert_eq!(plan(45), (Some(Stage::Suspend), vec![Action::Suspend]));
    let group = Action::MoveToGroup {
        group: "Suspended".into(),
    };
    assert_eq!(
        plan(60),
        (
            Some(Stage::MoveToGroup),
            vec![Action::Suspend, group.clone()]
        )
    );

    // Moving to a group is LogicMonitor's alone: elsewhere the account is only suspended.
    let mut whaly = dormant_lm(60);
    whaly.vendor = Vendor::PartnerPortal;
    whaly.signals = [(Signal::LastLoggedAt, Some(days_ago(60)))].into();
    assert_eq!(policy.evaluate(&whaly, now()).actions, [Action::Suspend]);

    // What is already done is not planned again.
    let mut suspended = dormant_lm(70);
    suspended.status = AccountStatus::Suspended;
    let planned = policy.evaluate(&suspended, now());
    assert_eq!(
        (planned.stage, planned.actions.clone()),
        (Some(Stage::MoveToGroup), vec![group])
    );
    suspended.groups = vec!["suspended".into()];
    let planned = policy.evaluate(&suspended, now());
    assert_eq!(
        (planned.stage, planned.actions.as_slice()),
        (Some(Stage::MoveToGroup), &[][..])
    );
}

#[test]
fn delete_needs_configuration_and_a_long_enough_known_suspension() {
    let policy = staged();
    let suspended = |portal: &str, since: Option<i64>| {
        let mut user = dormant_lm(400);
        user.portal = portal.into();
        user.status = AccountStatus::Suspended;
        user.groups = vec!["Suspended".into()];
        user.suspended_since = since.map(days_ago);
        policy.evaluate(&user, now())
    };
    let deleted = suspended("deleting", Some(90));
    assert_eq!(
        (deleted.stage, deleted.actions.as_slice()),
        (Some(Stage::Delete), &[Action::Delete][..])
    );
    assert!(
        deleted.reason.contains("suspended 90 days"),
        "{}",
        deleted.reason
    );
    for (portal, since) in [
        ("deleting", Some(89)),
        ("deleting", None),
        ("not-configured", Some(900)),
    ] {
        let planned = suspended(portal, since);
        assert_ne!(planned.stage, Some(Stage::Delete), "{portal} {since:?}");
        assert!(!planned.actions.contains(&Action::Delete));
    }
    // An enabled account is never deleted, however long inactive.
    let mut enabled = dormant_lm(900);
    enabled.portal = "deleting".into();
    enabled.suspended_since = Some(days_ago(900));
    assert!(
        !policy
            .evaluate(&enabled, now())
            .actions
            .contains(&Action::Delete)
    );
}

#[test]
fn accounts_neither_enabled_nor_suspended_are_left_alone() {
    let mut invited = dormant_lm(400);
    invited.status = AccountStatus::Other;
    let planned = staged().evaluate(&invited, now());
    assert_eq!((planned.stage, planned.actions.as_slice()), (None, &[][..]));
}

#[test]
fn the_report_gives_the_cis_share_per_portal_and_lists_threatlocker_organizations() {
    let policy = staged();
    let mut suspended = dormant_lm(400);
    suspended.status = AccountStatus::Suspended;
    let accounts = vec![
        dormant_lm(1),
        dormant_lm(2),
        dormant_lm(50),
        account("acme-lm", |user| {
            user.signals.insert(Signal::LastLoginOn, None);
        }),
        suspended,
        account("acme-lm", |_| {}),
        account("other-lm", |user| {
            user.signals
                .insert(Signal::LastLoginOn, Some(days_ago(100)));
        }),
    ];
    let unlisted = [Unlisted {
        portal: "tl".into(),
        vendor: Vendor::Threatlocker,
        organizations: vec!["Acme Child".into(), "Beta Child".into()],
    }];
    let plan = policy.plan(accounts.clone(), &unlisted, now());
    assert_eq!(plan.accounts.len(), accounts.len());
    let [acme, other, tl] = plan.portals.as_slice() else {
        panic!("{:?}", plan.portals)
    };
    assert_eq!(
        (acme.portal.as_str(), acme.accounts, acme.enabled),
        ("acme-lm", 6, 5)
    );
    assert_eq!(
        (acme.dormant, acme.never_logged_in, acme.unknown),
        (1, 1, 1)
    );
    assert_eq!(acme.dormant_percent, Some(20.0), "1 dormant of 5 enabled");
    assert_eq!(acme.stages.get(&Stage::Suspend), Some(&1));
    assert_eq!(
        acme.stages.get(&Stage::MoveToGroup),
        Some(&1),
        "the suspended one"
    );
    assert_eq!(other.dormant_percent, Some(100.0));
    assert_eq!(acme.manual_check, None);
    let check = tl
        .manual_check
        .as_ref()
        .expect("ThreatLocker is checked by hand");
    assert!(
        check.reason.contains("no activity signal"),
        "{}",
        check.reason
    );
    assert_eq!(check.organizations, ["Acme Child", "Beta Child"]);
    assert_eq!(tl.dormant_percent, None);
}

#[test]
fn the_plan_serializes_as_json_and_csv() {
    let policy = policy(&format!("{EXAMPLE}\n"));
    let mut moved = dormant_lm(70);
    moved.email = Some("old@acme.example".into());
    let excluded = account("acme-lm", |user| {
        user.username = Some("lm-breakglass".into());
        user.signals
            .insert(Signal::LastLoginOn, Some(days_ago(400)));
    });
    let plan = policy.plan([moved, excluded], &[], now());
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(json["accounts"][0]["classification"], "dormant");
    assert_eq!(json["accounts"][0]["stage"], "move-to-group");
    assert_eq!(json["accounts"][0]["actions"][1]["group"], "Suspended");
    assert_eq!(json["accounts"][1]["excluded_by"]["rule"], "break-glass");
    assert_eq!(json["portals"][0]["dormant_percent"], 100.0);

    let mut csv = csv::Writer::from_writer(Vec::new());
    for row in plan.rows() {
        csv.serialize(row).unwrap();
    }
    let text = String::from_utf8(csv.into_inner().unwrap()).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("portal,vendor,id,email,username,classification,signal")
    );
    let moved = lines.next().unwrap();
    assert!(
        moved.contains("suspend;move-to-group:Suspended") && moved.contains(",lastLoginOn,"),
        "{moved}"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .contains("break-glass account `lm-breakglass`")
    );
}
