//! The simulators' clock: a time source (the system clock unless a test injects one)
//! that a test may pin at a time and move forward.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

/// A simulator's current time: its source's, or the pinned one, plus what it was
/// advanced by since.
pub(crate) struct Clock {
    source: Box<dyn Fn() -> SystemTime + Send + Sync>,
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
    pub(crate) fn new(
        source: impl Fn() -> SystemTime + Send + Sync + 'static,
        pinned: Option<SystemTime>,
    ) -> Self {
        Self {
            source: Box::new(source),
            setting: Mutex::new(Setting {
                pinned,
                offset: Duration::ZERO,
            }),
        }
    }

    /// The current time.
    pub(crate) fn now(&self) -> SystemTime {
        let setting = *self.setting();
        setting.pinned.unwrap_or_else(|| (self.source)()) + setting.offset
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

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock")
            .field("setting", &*self.setting())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn a_pinned_clock_stays_until_moved() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = Clock::new(SystemTime::now, Some(start));
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
            move || UNIX_EPOCH + Duration::from_secs(source.load(Ordering::SeqCst)),
            None,
        );
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(50));
        secs.store(70, Ordering::SeqCst);
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(75));
    }
}
