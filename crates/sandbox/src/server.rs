//! Starting, serving and stopping a sandbox.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::faults::Faults;
use crate::handler::{Shared, handle};
use crate::journal::{DEFAULT_JOURNAL_CAPACITY, Journal};

/// How long a stopping sandbox waits for open connections unless configured otherwise.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// Pause after a failed `accept` (for example when out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Configures and starts a [`Sandbox`]; see [`Sandbox::builder`].
#[derive(Debug)]
pub struct SandboxBuilder {
    seed: u64,
    router: Router,
    journal_capacity: usize,
    shutdown_timeout: Duration,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            router: Router::new(),
            journal_capacity: DEFAULT_JOURNAL_CAPACITY,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }
}

impl SandboxBuilder {
    /// The seed for generated data (default 0); see [`Sandbox::seed`].
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Serves `router`'s routes, merged with those added before.
    ///
    /// Requests no route matches get axum's `404 Not Found`.
    ///
    /// # Panics
    /// If `router` has a route that was already added (see [`Router::merge`]).
    #[must_use]
    pub fn router(mut self, router: Router) -> Self {
        self.router = self.router.merge(router);
        self
    }

    /// Keeps at most `capacity` journal entries (default [`DEFAULT_JOURNAL_CAPACITY`]).
    #[must_use]
    pub fn journal_capacity(mut self, capacity: usize) -> Self {
        self.journal_capacity = capacity;
        self
    }

    /// How long stopping waits for open connections to finish (default
    /// [`DEFAULT_SHUTDOWN_TIMEOUT`]) before cutting them.
    #[must_use]
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// Binds `127.0.0.1` on a free port and serves in a background task.
    ///
    /// Must be called within a Tokio runtime.
    pub async fn start(self) -> io::Result<Sandbox> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let faults = Faults::default();
        let journal = Journal::new(self.journal_capacity);
        let shared = Arc::new(Shared {
            router: TowerToHyperService::new(self.router),
            faults: faults.clone(),
            journal: journal.clone(),
        });
        let (stop, stopped) = oneshot::channel();
        let server = tokio::spawn(serve(listener, shared, stopped, self.shutdown_timeout));
        tracing::debug!(%addr, "sandbox listening");
        Ok(Sandbox {
            addr,
            base_url: format!("http://{addr}"),
            seed: self.seed,
            faults,
            journal,
            stop,
            server,
        })
    }
}

/// A running sandbox server on `127.0.0.1`.
///
/// Dropping it stops the server too: it stops accepting at once and lets
/// open connections finish (up to the shutdown timeout) in the background.
/// [`Sandbox::shutdown`] does the same and waits until it is done.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    base_url: String,
    seed: u64,
    faults: Faults,
    journal: Journal,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
}

impl Sandbox {
    /// A builder with default settings and no routes.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// The bound address (`127.0.0.1` and the chosen port).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL followed by `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The seed this sandbox was built with; simulators derive their data from it.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runtime fault injection.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The record of received requests.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Stops accepting, waits for open connections (up to the shutdown
    /// timeout), and returns when the server task has ended.
    pub async fn shutdown(self) {
        let Self { stop, server, .. } = self;
        drop(stop);
        if let Err(error) = server.await
            && error.is_panic()
        {
            std::panic::resume_unwind(error.into_panic());
        }
    }
}

/// The accept loop; ends when `stopped` fires or its sender is dropped.
async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
    drain: Duration,
) {
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => spawn_connection(&mut connections, &graceful, stream, Arc::clone(&shared)),
                Err(error) => {
                    tracing::debug!(%error, "sandbox accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    if tokio::time::timeout(drain, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::debug!("sandbox shutdown timed out; cutting open connections");
    }
    // Dropping the set aborts connections that are still open.
    drop(connections);
}

/// Serves one HTTP/1.1 connection through [`handle`] in the `connections` set.
fn spawn_connection(
    connections: &mut JoinSet<()>,
    graceful: &GracefulShutdown,
    stream: TcpStream,
    shared: Arc<Shared>,
) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "sandbox could not set TCP_NODELAY");
    }
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    let watched = graceful.watch(connection);
    connections.spawn(async move {
        // Injected disconnects end here too, so this is not worth more than debug.
        if let Err(error) = watched.await {
            tracing::debug!(%error, "sandbox connection ended with an error");
        }
    });
}
