//! The simulators' clock: a time source (the system clock unless a test injects one)
//! that a test may pin at a time and move forward.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

/// Where a simulator reads the current time while its clock is not pinned (each
/// simulator builder's `time_source`; default `SystemTime::now`). Share a virtual clock
/// with the client under test to check pacing without waiting.
pub type TimeSource = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// A simulator's current time: its source's, or the pinned one, plus what it was
/// advanced by since.
pub(crate) struct Clock {
    source: Source,
    setting: Mutex<Setting>,
}

#[derive(Debug, Clone, Copy)]
struct Setting {
    /// The pinned time, or `None` to read the source.
    pinned: Option<SystemTime>,
    /// Added to either.
    offset: Duration,
}

impl Clock {
    /// Reads `source`, or stays at `pinned` when given.
    pub(crate) fn new(source: Source, pinned: Option<SystemTime>) -> Self {
        Self {
            source,
            setting: Mutex::new(Setting {
                pinned,
                offset: Duration::ZERO,
            }),
        }
    }

    /// The current time.
    pub(crate) fn now(&self) -> SystemTime {
        let setting = *self.setting();
        setting.pinned.unwrap_or_else(|| self.source.now()) + setting.offset
    }

    /// Pins the clock at `now`.
    pub(crate) fn set_now(&self, now: SystemTime) {
        *self.setting() = Setting {
            pinned: Some(now),
            offset: Duration::ZERO,
        };
    }

    /// Moves the clock forward by `by`.
    pub(crate) fn advance(&self, by: Duration) {
        self.setting().offset += by;
    }

    fn setting(&self) -> MutexGuard<'_, Setting> {
        self.setting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A builder's time source: the system clock unless a test gave one.
#[derive(Clone, Default)]
pub(crate) struct Source(Option<TimeSource>);

impl Source {
    /// Reads `now`.
    pub(crate) fn new(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(now)))
    }

    /// Whether a test gave the source.
    pub(crate) fn is_given(&self) -> bool {
        self.0.is_some()
    }

    /// The source's current time.
    pub(crate) fn now(&self) -> SystemTime {
        self.0.as_ref().map_or_else(SystemTime::now, |now| now())
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_given() {
            "given"
        } else {
            "system clock"
        })
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock")
            .field("setting", &*self.setting())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn a_pinned_clock_stays_until_moved() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = Clock::new(Source::default(), Some(start));
        assert_eq!(clock.now(), start);
        clock.advance(Duration::from_secs(30));
        assert_eq!(clock.now(), start + Duration::from_secs(30));
        clock.set_now(start);
        assert_eq!(clock.now(), start);
    }

    #[test]
    fn an_unpinned_clock_follows_its_source_plus_the_advance() {
        let secs = Arc::new(AtomicU64::new(50));
        let source = Arc::clone(&secs);
        let clock = Clock::new(
            Source::new(move || UNIX_EPOCH + Duration::from_secs(source.load(Ordering::SeqCst))),
            None,
        );
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(50));
        secs.store(70, Ordering::SeqCst);
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(75));
    }
}
