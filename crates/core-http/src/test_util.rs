//! Helpers for tests of code built on core-http (feature `test-util`).

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use tracing::subscriber::DefaultGuard;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

pub use crate::clock::ManualClock;

/// Captures everything `tracing` emits on the current thread at TRACE level, span
/// enter/exit events included, until dropped: the net for secret-canary tests.
///
/// Run the code under test on a current-thread runtime (the default for `#[tokio::test]`)
/// so its events reach this thread's subscriber.
///
/// ```
/// let logs = core_http::test_util::TraceCapture::start();
/// tracing::info!(user = "jane", "suspended");
/// assert!(logs.text().contains("suspended"));
/// ```
#[derive(Debug)]
pub struct TraceCapture {
    buffer: Buffer,
    _guard: DefaultGuard,
}

impl TraceCapture {
    /// Installs the capturing subscriber for the current thread.
    pub fn start() -> Self {
        let buffer = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(buffer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        Self {
            buffer,
            _guard: guard,
        }
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.0.lock().expect("capture lock poisoned")).into_owned()
    }
}

#[derive(Clone, Default, Debug)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("capture lock poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
