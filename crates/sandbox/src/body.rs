//! A response body that sends some bytes and then aborts the connection.

use std::error::Error;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use tokio::time::Sleep;

/// How long the body waits after its data before failing, so that the
/// server flushes the data to the socket before the connection closes.
const FLUSH_PAUSE: Duration = Duration::from_millis(10);

/// The error that makes the server close a connection on purpose.
#[derive(Debug)]
pub(crate) struct Aborted;

impl fmt::Display for Aborted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection aborted by the sandbox")
    }
}

impl Error for Aborted {}

/// Yields `data` (if any), pauses briefly, then fails, which makes hyper
/// close the connection with the response incomplete.
pub(crate) struct AbortingBody {
    data: Option<Bytes>,
    pause: Option<Pin<Box<Sleep>>>,
}

impl AbortingBody {
    pub(crate) fn new(data: Bytes) -> Self {
        let data = Some(data).filter(|d| !d.is_empty());
        Self { data, pause: None }
    }
}

impl Body for AbortingBody {
    type Data = Bytes;
    type Error = Aborted;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Aborted>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        // The pause starts after the data went out, so hyper flushes it first.
        let pause = self
            .pause
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(FLUSH_PAUSE)));
        pause.as_mut().poll(cx).map(|()| Some(Err(Aborted)))
    }
}
