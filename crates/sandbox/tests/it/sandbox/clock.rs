//! The simulators that keep time read one kind of clock: pinned with `now`, else the
//! builder's `time_source`, moved by `advance` and `set_now`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::partner_portal::PartnerPortalSim;

/// A virtual clock a test moves by hand, and a time source reading it.
fn virtual_clock(
    start: u64,
) -> (
    Arc<Mutex<SystemTime>>,
    impl Fn() -> SystemTime + Send + Sync,
) {
    let time = Arc::new(Mutex::new(UNIX_EPOCH + Duration::from_secs(start)));
    let source = Arc::clone(&time);
    (time, move || *source.lock().unwrap())
}

/// The simulator's `now` follows `time` until `pin` pins it.
fn follows_until_pinned(
    name: &str,
    time: &Mutex<SystemTime>,
    now: impl Fn() -> SystemTime,
    pin: impl Fn(SystemTime),
) {
    assert_eq!(now(), UNIX_EPOCH + Duration::from_secs(1_000), "{name}");
    *time.lock().unwrap() += Duration::from_secs(60);
    assert_eq!(
        now(),
        UNIX_EPOCH + Duration::from_secs(1_060),
        "{name} follows its source"
    );
    let pinned = UNIX_EPOCH + Duration::from_secs(5_000);
    pin(pinned);
    *time.lock().unwrap() += Duration::from_secs(60);
    assert_eq!(now(), pinned, "{name} stays where it was pinned");
}

#[test]
fn each_simulator_follows_its_time_source_until_pinned() {
    let (time, source) = virtual_clock(1_000);
    let at = AllthenticateSim::builder().time_source(source).build();
    follows_until_pinned("allthenticate", &time, || at.now(), |t| at.set_now(t));

    let (time, source) = virtual_clock(1_000);
    let lm = LogicMonitorSim::builder()
        .users(1)
        .time_source(source)
        .build();
    follows_until_pinned("logicmonitor", &time, || lm.now(), |t| lm.set_now(t));

    let (time, source) = virtual_clock(1_000);
    let pp = PartnerPortalSim::builder().time_source(source).build();
    follows_until_pinned("partner-portal", &time, || pp.now(), |t| pp.set_now(t));
}

#[test]
fn allthenticate_without_a_time_source_stays_at_its_default_now() {
    let sim = AllthenticateSim::builder().build();
    let default_now =
        UNIX_EPOCH + Duration::from_secs(portal_sandbox::allthenticate::DEFAULT_NOW_UNIX);
    assert_eq!(sim.now(), default_now);
    sim.advance(Duration::from_secs(30));
    assert_eq!(sim.now(), default_now + Duration::from_secs(30));
}
