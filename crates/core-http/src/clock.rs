//! Time as the transport sees it: wall-clock reads and sleeps, injectable for tests.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// A boxed sleep future, as returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The source of time for retries, rate-limit pacing and request signing.
///
/// The default, [`SystemClock`], reads the system clock and sleeps on the tokio timer.
/// Tests inject a clock that records sleeps and returns at once, so back-off and pacing
/// are checked without waiting.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current wall-clock time.
    fn now(&self) -> SystemTime;
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The real clock: `SystemTime::now` and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[cfg(any(test, feature = "test-util"))]
pub use manual::ManualClock;

#[cfg(any(test, feature = "test-util"))]
mod manual {
    use super::{Clock, Sleep};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime};

    /// A clock for tests: starts at a fixed time, and every sleep returns at once after
    /// advancing the clock by the requested duration and recording it.
    #[derive(Debug, Clone)]
    pub struct ManualClock {
        state: Arc<Mutex<State>>,
    }

    #[derive(Debug)]
    struct State {
        now: SystemTime,
        sleeps: Vec<Duration>,
    }

    impl ManualClock {
        /// A clock that reads `start` until something sleeps or [`advance`](Self::advance)s it.
        pub fn new(start: SystemTime) -> Self {
            Self {
                state: Arc::new(Mutex::new(State {
                    now: start,
                    sleeps: Vec::new(),
                })),
            }
        }

        /// Moves the clock forward without recording a sleep.
        pub fn advance(&self, by: Duration) {
            self.lock().now += by;
        }

        /// Every sleep requested so far, in order.
        pub fn sleeps(&self) -> Vec<Duration> {
            self.lock().sleeps.clone()
        }

        /// The sum of every sleep requested so far.
        pub fn total_slept(&self) -> Duration {
            self.lock().sleeps.iter().sum()
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, State> {
            self.state.lock().expect("manual clock lock poisoned")
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> SystemTime {
            self.lock().now
        }

        fn sleep(&self, duration: Duration) -> Sleep {
            let mut state = self.lock();
            state.now += duration;
            state.sleeps.push(duration);
            Box::pin(std::future::ready(()))
        }
    }
}
