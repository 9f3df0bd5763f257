//! The fault matrix: every vendor client, every operation kind it offers, every fault the
//! sandbox can inject.
//!
//! Each cell starts a fresh simulator, injects one fault on the operation's own method and
//! path, runs the operation through the client and checks three things against a model of
//! the retry rules: the outcome (success, possibly after a retry, or the right
//! `core_http::Error` variant), how many requests the sandbox journal saw for that route,
//! and the simulator's state afterwards (a create is never performed twice, a failed
//! update or delete leaves the old state, a listing either returns everything or ends with
//! an error). Listings get their fault on the *second* page, so a stream that silently
//! stops early is caught.
//!
//! Choices: back-off runs on a `ManualClock`, so no cell waits. The "stall" is a 10 s
//! delay against a client configured with a 1 s timeout (instead of a 30 s stall against
//! the default timeout); the timeout is generous so that ordinary requests on a loaded CI
//! machine never hit it. The oversized body is 16 MiB + 1 byte, just over
//! core-http's default cap (no vendor client exposes `max_response_bytes`); it is
//! declared in `Content-Length`, so the client refuses it without reading it. The
//! redirect points at a second sandbox on `localhost` (another host name, another port),
//! whose journal must stay empty. ThreatLocker offers no update or delete call and Whaly
//! no update, so those cells do not exist.

#![allow(clippy::too_many_lines)]

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use core_http::clock::ManualClock;
use core_http::{Error, RetryPolicy};
use futures_util::{StreamExt, TryStreamExt};
use http::{HeaderValue, Method, header};
use portal_sandbox::{Fault, Sandbox};

/// 2026-01-01T00:00:00Z, the simulators' and the clients' clock.
const NOW_SECS: u64 = 1_767_225_600;
/// The timeout of clients in the stall cells; the stall is ten times longer.
const STALL_TIMEOUT: Duration = Duration::from_secs(1);
const STALL: Duration = Duration::from_secs(10);
/// Attempts allowed by the retry policy every client uses here.
const ATTEMPTS: usize = 4;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vendor {
    ThreatLocker,
    Allthenticate,
    Whaly,
    LogicMonitor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    List,
    Create,
    Update,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FaultKind {
    None,
    TooMany,
    TooManyRetryAfter,
    S500,
    S502,
    S503,
    S504,
    S503Always,
    DropBeforeHead,
    DropAfterHead,
    Stall,
    CutBody,
    TruncatedJson200,
    Html200,
    Empty200,
    Oversized,
    Redirect,
}

const FAULTS: [FaultKind; 17] = [
    FaultKind::None,
    FaultKind::TooMany,
    FaultKind::TooManyRetryAfter,
    FaultKind::S500,
    FaultKind::S502,
    FaultKind::S503,
    FaultKind::S504,
    FaultKind::S503Always,
    FaultKind::DropBeforeHead,
    FaultKind::DropAfterHead,
    FaultKind::Stall,
    FaultKind::CutBody,
    FaultKind::TruncatedJson200,
    FaultKind::Html200,
    FaultKind::Empty200,
    FaultKind::Oversized,
    FaultKind::Redirect,
];

impl FaultKind {
    fn label(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::TooMany => "429",
            Self::TooManyRetryAfter => "429+RA",
            Self::S500 => "500",
            Self::S502 => "502",
            Self::S503 => "503",
            Self::S504 => "504",
            Self::S503Always => "503*",
            Self::DropBeforeHead => "drop<h",
            Self::DropAfterHead => "drop>h",
            Self::Stall => "stall",
            Self::CutBody => "cut",
            Self::TruncatedJson200 => "200trunc",
            Self::Html200 => "200html",
            Self::Empty200 => "200empty",
            Self::Oversized => "huge",
            Self::Redirect => "302",
        }
    }

    /// The rule for one operation; `None` for the fault-free baseline.
    fn rule(self, method: &Method, path: &str, elsewhere: &str, cap: usize) -> Option<Fault> {
        let fault = match self {
            Self::None => return None,
            Self::TooMany => Fault::status(429).times(1),
            Self::TooManyRetryAfter => Fault::status(429).retry_after(1).times(1),
            Self::S500 => Fault::status(500).times(1),
            Self::S502 => Fault::status(502).times(1),
            Self::S503 => Fault::status(503).times(1),
            Self::S504 => Fault::status(504).times(1),
            Self::S503Always => Fault::status(503),
            Self::DropBeforeHead => Fault::drop_connection().times(1),
            Self::DropAfterHead => Fault::drop_after_headers().times(1),
            Self::Stall => Fault::delay(STALL).times(1),
            Self::CutBody => Fault::truncate_body(8).times(1),
            Self::TruncatedJson200 => Fault::status(200)
                .header(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(r#"{"items":[{"id":1,"name":"#)
                .times(1),
            Self::Html200 => Fault::html(200).times(1),
            Self::Empty200 => Fault::status(200).times(1),
            Self::Oversized => Fault::status(200).body(oversized(cap)).times(1),
            Self::Redirect => Fault::status(302)
                .header(
                    header::LOCATION,
                    HeaderValue::from_str(elsewhere).expect("a header value"),
                )
                .times(1),
        };
        Some(fault.on_method(method.clone()).on_path(path))
    }
}

/// A body one byte over a client's response cap `cap`, shared by every cell.
fn oversized(cap: usize) -> Bytes {
    static BODIES: OnceLock<Mutex<HashMap<usize, Bytes>>> = OnceLock::new();
    let mut bodies = BODIES
        .get_or_init(Mutex::default)
        .lock()
        .expect("not poisoned");
    bodies
        .entry(cap)
        .or_insert_with(|| Bytes::from(vec![b' '; cap + 1]))
        .clone()
}

/// What a call ended with, reduced to what the matrix checks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Ok,
    Api(u16),
    RateLimited,
    Transport { connect: bool },
    Timeout,
    Decode,
    TooLarge,
    Pagination,
    Other(String),
}

impl Outcome {
    fn of<T>(result: &Result<T, Error>) -> Self {
        match result {
            Ok(_) => Self::Ok,
            Err(error) => Self::of_error(error),
        }
    }

    fn of_error(error: &Error) -> Self {
        match error {
            Error::Api { status, .. } => Self::Api(status.as_u16()),
            Error::RateLimited { .. } => Self::RateLimited,
            Error::Transport { connect, .. } => Self::Transport { connect: *connect },
            Error::Timeout { .. } => Self::Timeout,
            Error::Decode { .. } => Self::Decode,
            Error::ResponseTooLarge { .. } => Self::TooLarge,
            Error::Pagination { .. } => Self::Pagination,
            other => Self::Other(other.to_string()),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("ok"),
            Self::Api(status) => write!(f, "api{status}"),
            Self::RateLimited => f.write_str("ratelim"),
            Self::Transport { connect: true } => f.write_str("connect"),
            Self::Transport { connect: false } => f.write_str("lost"),
            Self::Timeout => f.write_str("timeout"),
            Self::Decode => f.write_str("decode"),
            Self::TooLarge => f.write_str("toolarge"),
            Self::Pagination => f.write_str("paging"),
            Self::Other(text) => write!(f, "other({text})"),
        }
    }
}

/// What one cell observed.
#[derive(Debug)]
struct Observed {
    outcome: Outcome,
    /// Requests the sandbox journal saw on the operation's method and path.
    requests: usize,
    /// How many times the operation's effect is visible in the simulator: records
    /// created, 1 if the update or delete is applied; items returned for a listing.
    effect: usize,
    /// Requests the redirect target received.
    elsewhere: usize,
    /// Sleeps the client's clock was asked for.
    sleeps: Vec<Duration>,
}

/// An operation under test, as its vendor fixture describes it.
struct Op {
    method: Method,
    path: String,
    idempotent: bool,
    /// Pages a listing takes without faults (1 for other kinds).
    pages: usize,
    /// For listings: items there are in all.
    total: usize,
}

/// What the model expects of one cell.
#[derive(Debug)]
struct Expected {
    outcome: OutcomeMatch,
    requests: usize,
    effect: usize,
}

#[derive(Debug)]
enum OutcomeMatch {
    Exactly(Outcome),
    /// A client error from the server: a retried delete that the first attempt already
    /// performed finds nothing to delete.
    ClientError,
}

impl OutcomeMatch {
    fn matches(&self, outcome: &Outcome) -> bool {
        match self {
            Self::Exactly(expected) => expected == outcome,
            Self::ClientError => {
                matches!(outcome, Outcome::Api(status) if (400..500).contains(status))
            }
        }
    }
}

impl fmt::Display for OutcomeMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exactly(outcome) => outcome.fmt(f),
            Self::ClientError => f.write_str("api4xx"),
        }
    }
}

/// Whether a client treats any 2xx body as success for this operation (it needs nothing
/// from the body): ThreatLocker's invitation (undocumented response), Allthenticate's
/// `Ack` mutations and LogicMonitor's delete.
fn ignores_body(vendor: Vendor, kind: Kind) -> bool {
    match vendor {
        Vendor::ThreatLocker => kind == Kind::Create,
        Vendor::Allthenticate => matches!(kind, Kind::Update | Kind::Delete),
        Vendor::LogicMonitor => kind == Kind::Delete,
        Vendor::Whaly => false,
    }
}

/// The model: core-http's retry rules applied to the fault.
fn expected(vendor: Vendor, kind: Kind, fault: FaultKind, op: &Op) -> Expected {
    use FaultKind as F;
    // For listings with more than one page the fault hits page 2, after one good page.
    let before = usize::from(kind == Kind::List && op.pages > 1);
    let rest = op.pages - before - 1;
    let full = match kind {
        Kind::List => op.total,
        Kind::Read => 0,
        _ => 1,
    };
    let idempotent = op.idempotent;
    let ok_after = |attempts: usize| Expected {
        outcome: OutcomeMatch::Exactly(Outcome::Ok),
        requests: before + attempts + rest,
        effect: full,
    };
    let failed = |outcome: Outcome, attempts: usize, effect: usize| Expected {
        outcome: OutcomeMatch::Exactly(outcome),
        requests: before + attempts,
        effect,
    };
    // Nothing applied; a listing that fails counts no items (its error replaces them).
    let not_applied = 0;
    let applied_once = usize::from(kind != Kind::Read && kind != Kind::List);
    match fault {
        F::None => ok_after(1),
        F::TooMany | F::TooManyRetryAfter => ok_after(2),
        F::S500 | F::S502 | F::S503 | F::S504 | F::DropBeforeHead | F::Stall if idempotent => {
            ok_after(2)
        }
        F::S500 | F::S502 | F::S503 | F::S504 => {
            let status = match fault {
                F::S500 => 500,
                F::S502 => 502,
                F::S503 => 503,
                _ => 504,
            };
            failed(Outcome::Api(status), 1, not_applied)
        }
        F::S503Always => failed(
            Outcome::Api(503),
            if idempotent { ATTEMPTS } else { 1 },
            not_applied,
        ),
        F::DropBeforeHead => failed(Outcome::Transport { connect: false }, 1, not_applied),
        F::DropAfterHead | F::CutBody if idempotent && kind == Kind::Delete => Expected {
            outcome: OutcomeMatch::ClientError,
            requests: 2,
            effect: 1,
        },
        F::DropAfterHead | F::CutBody if idempotent => ok_after(2),
        // The server acted, the answer was lost: reported, not repeated.
        F::DropAfterHead | F::CutBody => {
            failed(Outcome::Transport { connect: false }, 1, applied_once)
        }
        // The stalled request is still waiting on the server when the client gives up.
        F::Stall => failed(Outcome::Timeout, 1, not_applied),
        F::TruncatedJson200 | F::Html200 | F::Empty200 if ignores_body(vendor, kind) => {
            // Success by status; the sandbox answered instead of the handler, so nothing
            // changed. Clients that read no body can not tell.
            Expected {
                outcome: OutcomeMatch::Exactly(Outcome::Ok),
                requests: 1,
                effect: not_applied,
            }
        }
        // ThreatLocker lists read an empty body as an empty list (documented vendor
        // behaviour): a read succeeds with nothing, a listing that had announced more
        // pages reports that it ended early.
        F::Empty200 if vendor == Vendor::ThreatLocker && kind == Kind::Read => Expected {
            outcome: OutcomeMatch::Exactly(Outcome::Ok),
            requests: 1,
            effect: 0,
        },
        F::Empty200 if vendor == Vendor::ThreatLocker && kind == Kind::List => {
            failed(Outcome::Pagination, 1, not_applied)
        }
        F::TruncatedJson200 | F::Html200 | F::Empty200 => failed(Outcome::Decode, 1, not_applied),
        F::Oversized => failed(Outcome::TooLarge, 1, not_applied),
        F::Redirect => failed(Outcome::Api(302), 1, not_applied),
    }
}

/// A client's knobs for one cell.
struct Setup {
    clock: ManualClock,
    timeout: Duration,
}

impl Setup {
    fn new(fault: FaultKind) -> Self {
        Self {
            clock: ManualClock::new(now()),
            timeout: if fault == FaultKind::Stall {
                STALL_TIMEOUT
            } else {
                Duration::from_secs(20)
            },
        }
    }

    fn retry() -> RetryPolicy {
        RetryPolicy {
            max_attempts: u32::try_from(ATTEMPTS).expect("small"),
            ..RetryPolicy::default()
        }
    }
}

/// Runs the operation, injecting `fault` first (for listings: after the first item).
/// Returns the outcome and the number of listed items.
async fn drive_list<T, S>(stream: S, inject: impl FnOnce()) -> (Outcome, usize)
where
    S: futures_util::Stream<Item = Result<T, Error>> + Unpin,
{
    let mut stream = stream;
    let first = stream.next().await;
    inject();
    let mut items = 0;
    match first {
        None => return (Outcome::Ok, 0),
        Some(Err(error)) => return (Outcome::of_error(&error), 0),
        Some(Ok(_)) => items += 1,
    }
    let rest: Result<Vec<T>, Error> = stream.try_collect().await;
    match rest {
        Ok(more) => (Outcome::Ok, items + more.len()),
        Err(error) => (Outcome::of_error(&error), 0),
    }
}

/// Starts the redirect target: an empty sandbox on another port, named `localhost`.
async fn elsewhere() -> (Sandbox, String) {
    let other = Sandbox::builder().start().await.expect("second sandbox");
    let url = format!("http://localhost:{}/stolen", other.addr().port());
    (other, url)
}

mod threatlocker {
    use super::*;
    use portal_sandbox::threatlocker::ThreatLockerSim;
    use threatlocker_client::Client;

    pub(super) fn kinds() -> &'static [Kind] {
        &[Kind::Read, Kind::List, Kind::Create]
    }

    pub(super) async fn run(kind: Kind, fault: FaultKind) -> (Op, Observed) {
        let portal = ThreatLockerSim::builder().seed(3).children(5).build();
        let sandbox = portal.serve().await.unwrap();
        let (other, elsewhere) = elsewhere().await;
        let setup = Setup::new(fault);
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .token(portal.token())
            .retry_policy(Setup::retry())
            .timeout(setup.timeout)
            .clock(Arc::new(setup.clock.clone()))
            .build()
            .unwrap();
        let child = portal.child_ids()[0];
        let role = portal.roles_of(child)[0].id;
        let email = "fault.matrix@example.com";
        let (op, outcome, effect) = match kind {
            Kind::Read => {
                let op = op(
                    Method::GET,
                    "/portalapi/User/UserGetAllTimezones",
                    true,
                    1,
                    0,
                );
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client.users().timezones().await;
                (op, Outcome::of(&result), 0)
            }
            Kind::List => {
                let op = op(
                    Method::POST,
                    "/portalapi/Organization/OrganizationGetChildOrganizationsByParameters",
                    true,
                    3,
                    5,
                );
                let stream = client.organizations().children().page_size(2).stream();
                let (outcome, items) =
                    drive_list(stream, || inject(&sandbox, fault, &op, &elsewhere)).await;
                (op, outcome, items)
            }
            Kind::Create => {
                let op = op(
                    Method::POST,
                    "/portalapi/User/UserInviteByUsername",
                    false,
                    1,
                    0,
                );
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client
                    .organization(child)
                    .users()
                    .invite(email)
                    .role(child, role)
                    .send()
                    .await;
                let created = portal
                    .users_of(child)
                    .iter()
                    .filter(|user| user.username == email)
                    .count();
                (op, Outcome::of(&result), created)
            }
            Kind::Update | Kind::Delete => unreachable!("not offered"),
        };
        let observed = observe(&sandbox, &other, &setup, &op, outcome, effect);
        (op, observed)
    }
}

mod allthenticate {
    use super::*;
    use allthenticate_client::{Client, EmailId, SecretString};
    use portal_sandbox::allthenticate::AllthenticateSim;

    pub(super) fn kinds() -> &'static [Kind] {
        &[
            Kind::Read,
            Kind::List,
            Kind::Create,
            Kind::Update,
            Kind::Delete,
        ]
    }

    /// The matrix's injection; `huge` goes past Allthenticate's own, larger cap (its
    /// listings come whole).
    fn inject(sandbox: &Sandbox, fault: FaultKind, op: &Op, elsewhere: &str) {
        super::inject_with_cap(
            sandbox,
            fault,
            op,
            elsewhere,
            allthenticate_client::MAX_RESPONSE_BYTES,
        );
    }

    pub(super) async fn run(kind: Kind, fault: FaultKind) -> (Op, Observed) {
        let sim = AllthenticateSim::builder()
            .seed(5)
            .users(6)
            .guests(1)
            .build();
        let sandbox = sim.serve().await.unwrap();
        let (other, elsewhere) = elsewhere().await;
        let setup = Setup::new(fault);
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(SecretString::from(sim.api_key().to_owned()))
            .retry_policy(Setup::retry())
            .timeout(setup.timeout)
            .clock(Arc::new(setup.clock.clone()))
            .build()
            .unwrap();
        let member = sim
            .members()
            .into_iter()
            .find(|m| m.tag == "USER")
            .expect("a member");
        let id = EmailId::new(member.email_id);
        let (op, outcome, effect) = match kind {
            Kind::Read => {
                let op = op(Method::GET, "/user", true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client.users().get(id).await;
                (op, Outcome::of(&result), 0)
            }
            Kind::List => {
                let total = sim.members().iter().filter(|m| m.tag == "USER").count();
                let op = op(Method::GET, "/multipleusers", true, 1, total);
                // One response holds everything: the fault hits it.
                inject(&sandbox, fault, &op, &elsewhere);
                let result: Result<Vec<_>, _> = client.users().list().stream().try_collect().await;
                let items = result.as_ref().map_or(0, Vec::len);
                (op, Outcome::of(&result), items)
            }
            Kind::Create => {
                let email = "fault.matrix@example.com";
                let op = op(Method::PUT, "/invites", false, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client.invites().invite([email]).send().await;
                let sent = sim.sent_emails().iter().filter(|e| *e == email).count();
                (op, Outcome::of(&result), sent)
            }
            Kind::Update => {
                let op = op(Method::POST, "/modifyallusernames", true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client
                    .users()
                    .set_computer_usernames(id, ["fault-ws"])
                    .await;
                let now = sim
                    .member(member.email_id)
                    .expect("still there")
                    .computer_usernames;
                let applied = now == ["fault-ws"];
                assert!(applied || now == member.computer_usernames, "{now:?}");
                (op, Outcome::of(&result), usize::from(applied))
            }
            Kind::Delete => {
                let op = op(Method::DELETE, "/user", true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client.users().delete().email_id(id).send().await;
                let gone = sim.member(member.email_id).is_none();
                (op, Outcome::of(&result), usize::from(gone))
            }
        };
        let observed = observe(&sandbox, &other, &setup, &op, outcome, effect);
        (op, observed)
    }
}

mod whaly {
    use super::*;
    use partner_portal_client::{Client, NewUser, SecretString};
    use portal_sandbox::partner_portal::PartnerPortalSim;

    pub(super) fn kinds() -> &'static [Kind] {
        &[Kind::Read, Kind::List, Kind::Create, Kind::Delete]
    }

    pub(super) async fn run(kind: Kind, fault: FaultKind) -> (Op, Observed) {
        let sim = PartnerPortalSim::builder().seed(9).users(25).build();
        let sandbox = sim.serve().await.unwrap();
        let (other, elsewhere) = elsewhere().await;
        let setup = Setup::new(fault);
        let client = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(SecretString::from(sim.api_key()))
            .retry_policy(Setup::retry())
            .timeout(setup.timeout)
            .clock(Arc::new(setup.clock.clone()))
            .build()
            .unwrap();
        let portal_id = sim.portal_id().to_owned();
        let portal = client.portal(&portal_id);
        let users_path = format!("/v1/partner-portals/{portal_id}/users");
        let user = sim.users(&portal_id)[0].clone();
        let user_path = format!("{users_path}/{}", user.id);
        let (op, outcome, effect) = match kind {
            Kind::Read => {
                let op = op(Method::GET, &user_path, true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = portal.get_user(&user.id).await;
                (op, Outcome::of(&result), 0)
            }
            Kind::List => {
                let op = op(Method::GET, &users_path, true, 3, 25);
                let stream = portal.list_users().limit(10).stream();
                let (outcome, items) =
                    drive_list(stream, || inject(&sandbox, fault, &op, &elsewhere)).await;
                (op, outcome, items)
            }
            Kind::Create => {
                let email = "fault.matrix@acme-partner.example";
                let role = sim.roles()[0].id.clone();
                let op = op(Method::POST, &users_path, false, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = portal
                    .create_user(&NewUser::new("Fault", "Matrix", email).role(role))
                    .await;
                let created = sim
                    .users(&portal_id)
                    .iter()
                    .filter(|u| u.email == email)
                    .count();
                (op, Outcome::of(&result), created)
            }
            Kind::Delete => {
                let op = op(Method::DELETE, &user_path, true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = portal.delete_user(&user.id).await;
                let gone = !sim.users(&portal_id).iter().any(|u| u.id == user.id);
                (op, Outcome::of(&result), usize::from(gone))
            }
            Kind::Update => unreachable!("not offered"),
        };
        let observed = observe(&sandbox, &other, &setup, &op, outcome, effect);
        (op, observed)
    }
}

mod logicmonitor {
    use super::*;
    use core_http::SecretString;
    use logicmonitor_client::{AdminId, Client, NewUser, RoleId};
    use portal_sandbox::logicmonitor::LogicMonitorSim;

    pub(super) fn kinds() -> &'static [Kind] {
        &[
            Kind::Read,
            Kind::List,
            Kind::Create,
            Kind::Update,
            Kind::Delete,
        ]
    }

    pub(super) async fn run(kind: Kind, fault: FaultKind) -> (Op, Observed) {
        let lm = LogicMonitorSim::builder()
            .seed(11)
            .users(24)
            .now(now())
            .build();
        let sandbox = lm.serve().await.unwrap();
        let (other, elsewhere) = elsewhere().await;
        let setup = Setup::new(fault);
        let client = Client::builder()
            .base_url(sandbox.url("/santaba/rest"))
            .lmv1(lm.access_id(), SecretString::from(lm.access_key()))
            .retry_policy(Setup::retry())
            .timeout(setup.timeout)
            .clock(Arc::new(setup.clock.clone()))
            .build()
            .unwrap();
        let target = 5;
        let admins = "/santaba/rest/setting/admins".to_owned();
        let admin = format!("{admins}/{target}");
        let (op, outcome, effect) = match kind {
            Kind::Read => {
                let op = op(Method::GET, &admin, true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client.users().get(AdminId(target)).send().await;
                (op, Outcome::of(&result), 0)
            }
            Kind::List => {
                let total = lm.user_count();
                let op = op(Method::GET, &admins, true, total.div_ceil(10), total);
                let stream = client.users().list().size(10).stream();
                let (outcome, items) =
                    drive_list(stream, || inject(&sandbox, fault, &op, &elsewhere)).await;
                (op, outcome, items)
            }
            Kind::Create => {
                let op = op(Method::POST, &admins, false, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client
                    .users()
                    .create(
                        NewUser::new("fault.matrix")
                            .email("fault.matrix@example.com")
                            .role(RoleId(2)),
                    )
                    .await;
                let created = lm
                    .user_ids_matching(r#"username:"fault.matrix""#)
                    .expect("a valid filter")
                    .len();
                (op, Outcome::of(&result), created)
            }
            Kind::Update => {
                let before = lm.user(target).expect("seeded")["note"].clone();
                let op = op(Method::PATCH, &admin, false, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client
                    .users()
                    .update(AdminId(target))
                    .note("fault-note")
                    .send()
                    .await;
                let note = lm.user(target).expect("still there")["note"].clone();
                let applied = note == "fault-note";
                assert!(applied || note == before, "{note} (was {before})");
                (op, Outcome::of(&result), usize::from(applied))
            }
            Kind::Delete => {
                let op = op(Method::DELETE, &admin, true, 1, 0);
                inject(&sandbox, fault, &op, &elsewhere);
                let result = client.users().delete(AdminId(target)).await;
                (
                    op,
                    Outcome::of(&result),
                    usize::from(lm.user(target).is_none()),
                )
            }
        };
        let observed = observe(&sandbox, &other, &setup, &op, outcome, effect);
        (op, observed)
    }
}

fn op(method: Method, path: &str, idempotent: bool, pages: usize, total: usize) -> Op {
    Op {
        method,
        path: path.to_owned(),
        idempotent,
        pages,
        total,
    }
}

/// Injects `fault` for a client with core-http's default response cap.
fn inject(sandbox: &Sandbox, fault: FaultKind, op: &Op, elsewhere: &str) {
    inject_with_cap(
        sandbox,
        fault,
        op,
        elsewhere,
        core_http::DEFAULT_MAX_RESPONSE_BYTES,
    );
}

fn inject_with_cap(sandbox: &Sandbox, fault: FaultKind, op: &Op, elsewhere: &str, cap: usize) {
    if let Some(rule) = fault.rule(&op.method, &op.path, elsewhere, cap) {
        sandbox.faults().inject(rule);
    }
}

fn observe(
    sandbox: &Sandbox,
    other: &Sandbox,
    setup: &Setup,
    op: &Op,
    outcome: Outcome,
    effect: usize,
) -> Observed {
    Observed {
        outcome,
        requests: sandbox.journal().count_matching(&op.method, &op.path),
        effect,
        elsewhere: other.journal().len(),
        sleeps: setup.clock.sleeps(),
    }
}

/// Runs one cell and checks it; `Err` describes how it failed.
async fn cell(vendor: Vendor, kind: Kind, fault: FaultKind) -> Result<Outcome, String> {
    let (op, seen) = match vendor {
        Vendor::ThreatLocker => threatlocker::run(kind, fault).await,
        Vendor::Allthenticate => allthenticate::run(kind, fault).await,
        Vendor::Whaly => whaly::run(kind, fault).await,
        Vendor::LogicMonitor => logicmonitor::run(kind, fault).await,
    };
    let want = expected(vendor, kind, fault, &op);
    let mut problems = Vec::new();
    if !want.outcome.matches(&seen.outcome) {
        problems.push(format!("outcome {} (want {})", seen.outcome, want.outcome));
    }
    if seen.requests != want.requests {
        problems.push(format!(
            "{} requests (want {})",
            seen.requests, want.requests
        ));
    }
    if seen.effect != want.effect {
        problems.push(format!("effect {} (want {})", seen.effect, want.effect));
    }
    if seen.elsewhere != 0 {
        problems.push(format!("redirect target saw {} requests", seen.elsewhere));
    }
    if fault == FaultKind::TooManyRetryAfter && !seen.sleeps.contains(&Duration::from_secs(1)) {
        problems.push(format!("Retry-After not honoured: slept {:?}", seen.sleeps));
    }
    if problems.is_empty() {
        Ok(seen.outcome)
    } else {
        Err(format!("{} [{}]", problems.join("; "), seen.outcome))
    }
}

fn kinds(vendor: Vendor) -> &'static [Kind] {
    match vendor {
        Vendor::ThreatLocker => threatlocker::kinds(),
        Vendor::Allthenticate => allthenticate::kinds(),
        Vendor::Whaly => whaly::kinds(),
        Vendor::LogicMonitor => logicmonitor::kinds(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_every_operation_every_fault() {
    let vendors = [
        Vendor::ThreatLocker,
        Vendor::Allthenticate,
        Vendor::Whaly,
        Vendor::LogicMonitor,
    ];
    let cells: Vec<(Vendor, Kind, FaultKind)> = vendors
        .iter()
        .flat_map(|&vendor| {
            kinds(vendor)
                .iter()
                .flat_map(move |&kind| FAULTS.iter().map(move |&fault| (vendor, kind, fault)))
        })
        .collect();
    let results: Vec<_> = futures_util::stream::iter(cells)
        .map(|(vendor, kind, fault)| async move {
            let result = tokio::spawn(cell(vendor, kind, fault))
                .await
                .unwrap_or_else(|panic| Err(format!("panicked: {panic}")));
            ((vendor, kind, fault), result)
        })
        .buffer_unordered(8)
        .collect()
        .await;

    // The table: one row per vendor and operation, one column per fault.
    let mut table = format!("{:<26}", "vendor / operation");
    for fault in FAULTS {
        write!(table, " {:>9}", fault.label()).unwrap();
    }
    table.push('\n');
    let mut failures = Vec::new();
    for vendor in vendors {
        for &kind in kinds(vendor) {
            write!(table, "{:<26}", format!("{vendor:?} {kind:?}")).unwrap();
            for fault in FAULTS {
                let (_, result) = results
                    .iter()
                    .find(|(key, _)| *key == (vendor, kind, fault))
                    .expect("every cell ran");
                let shown = match result {
                    Ok(outcome) => outcome.to_string(),
                    Err(problem) => {
                        failures.push(format!(
                            "{vendor:?} {kind:?} × {}: {problem}",
                            fault.label()
                        ));
                        "FAIL".to_owned()
                    }
                };
                write!(table, " {shown:>9}").unwrap();
            }
            table.push('\n');
        }
    }
    let run = results.len();
    let passed = run - failures.len();
    println!(
        "{table}\ncells run: {run}, passed: {passed}, failed: {}",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {run} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
