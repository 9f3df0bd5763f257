//! Handling of one request: journal it, apply a fault, call the router.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::request::Parts;
use http::{HeaderValue, Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::Service;
use hyper_util::service::TowerToHyperService;
use tokio::time::Instant;

use crate::body::{Aborted, AbortingBody};
use crate::faults::{Faults, Framing, Plan, Step};
use crate::journal::Journal;

/// Everything the connections of one sandbox share.
pub(crate) struct Shared {
    pub(crate) router: TowerToHyperService<Router>,
    pub(crate) faults: Faults,
    pub(crate) journal: Journal,
}

/// Serves one request; `Err` makes hyper drop the connection unanswered.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Aborted> {
    let (head, body) = request.into_parts();
    let body = body.collect().await.map_err(|_| Aborted)?.to_bytes();
    let seq = shared.journal.record(&head, body.clone());
    let plan = shared
        .faults
        .plan(&head.method, head.uri.path(), Instant::now());
    let fault = plan.as_ref().map(|plan| plan.id);
    if let Some(id) = fault {
        tracing::debug!(%id, method = %head.method, path = head.uri.path(), "sandbox fault applied");
    }
    let response = match plan {
        Some(plan) => apply(&shared.router, head, body, plan).await,
        None => Ok(forward(&shared.router, head, body).await),
    };
    shared
        .journal
        .complete(seq, response.as_ref().ok().map(Response::status), fault);
    response
}

async fn apply(
    router: &TowerToHyperService<Router>,
    head: Parts,
    body: Bytes,
    plan: Plan,
) -> Result<Response<Body>, Aborted> {
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let mut response = match plan.step {
        Step::Respond { status, body } => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            response
        }
        Step::PassThrough => forward(router, head, body).await,
        Step::Disconnect => return Err(Aborted),
        Step::Truncate { keep, framing } => {
            truncate(forward(router, head, body).await, keep, framing).await?
        }
    };
    response.headers_mut().extend(plan.headers);
    Ok(response)
}

async fn forward(router: &TowerToHyperService<Router>, head: Parts, body: Bytes) -> Response<Body> {
    match router
        .call(Request::from_parts(head, Body::from(body)))
        .await
    {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Replaces the body of `response` with its first bytes and an abort.
async fn truncate(
    response: Response<Body>,
    keep: usize,
    framing: Framing,
) -> Result<Response<Body>, Aborted> {
    let (mut head, body) = response.into_parts();
    let full = body.collect().await.map_err(|_| Aborted)?.to_bytes();
    // An empty body can only look incomplete when chunked.
    if framing == Framing::Chunked || full.is_empty() {
        head.headers.remove(CONTENT_LENGTH);
    } else {
        head.headers
            .insert(CONTENT_LENGTH, HeaderValue::from(full.len()));
    }
    let kept = full.slice(..keep.min(full.len().saturating_sub(1)));
    Ok(Response::from_parts(
        head,
        Body::new(AbortingBody::new(kept)),
    ))
}
