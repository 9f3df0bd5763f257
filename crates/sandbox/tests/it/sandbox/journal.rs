//! The request journal, filled by real requests.

use bytes::Bytes;
use http::{Method, StatusCode};
use portal_sandbox::{Fault, Sandbox};

use super::client::{self, get_path, send};

#[tokio::test]
async fn records_method_path_query_headers_body_and_status() {
    let sandbox = client::start().await;
    send(
        sandbox.addr(),
        Method::POST,
        "/echo?dry_run=true",
        Bytes::from_static(b"{\"email\":\"a@example.com\"}"),
    )
    .await
    .expect("a reply");
    let entries = sandbox.journal().entries();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.method, Method::POST);
    assert_eq!(entry.path, "/echo");
    assert_eq!(entry.query.as_deref(), Some("dry_run=true"));
    assert_eq!(entry.header("authorization"), Some("Bearer test-token-123"));
    assert_eq!(entry.body_text(), Some("{\"email\":\"a@example.com\"}"));
    assert_eq!(entry.status, Some(StatusCode::OK));
    assert_eq!(entry.fault, None);
}

#[tokio::test]
async fn records_applied_faults_and_dropped_connections() {
    let sandbox = client::start().await;
    let unavailable = sandbox.faults().inject(Fault::status(503).times(1));
    let dropped = sandbox.faults().inject(Fault::drop_connection().times(1));
    let _ = get_path(&sandbox, "/hello").await;
    let _ = get_path(&sandbox, "/hello").await;
    let _ = get_path(&sandbox, "/hello").await;
    let outcomes: Vec<_> = sandbox
        .journal()
        .entries()
        .iter()
        .map(|e| (e.seq, e.status, e.fault))
        .collect();
    assert_eq!(
        outcomes,
        [
            (0, Some(StatusCode::SERVICE_UNAVAILABLE), Some(unavailable)),
            (1, None, Some(dropped)),
            (2, Some(StatusCode::OK), None),
        ]
    );
}

#[tokio::test]
async fn counts_matching_requests_and_clears() {
    let sandbox = client::start().await;
    for path in ["/hello", "/v1/users", "/hello", "/v1/users/1"] {
        get_path(&sandbox, path).await.expect("a reply");
    }
    let journal = sandbox.journal();
    assert_eq!(journal.count_matching(&Method::GET, "/hello"), 2);
    assert_eq!(journal.count_matching(&Method::GET, "/v1/users"), 1);
    assert_eq!(journal.count_matching(&Method::POST, "/hello"), 0);
    assert_eq!(journal.matching(&Method::GET, "/v1/users/1").len(), 1);
    journal.clear();
    assert!(journal.is_empty());
    get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(journal.last().map(|e| e.seq), Some(4));
    assert_eq!(journal.total_received(), 5);
}

#[tokio::test]
async fn keeps_a_bounded_number_of_entries() {
    let sandbox = Sandbox::builder()
        .router(client::router())
        .journal_capacity(2)
        .start()
        .await
        .expect("starts");
    for _ in 0..5 {
        get_path(&sandbox, "/hello").await.expect("a reply");
    }
    let seqs: Vec<_> = sandbox.journal().entries().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [3, 4]);
    assert_eq!(sandbox.journal().capacity(), 2);
}

#[tokio::test]
async fn debug_output_redacts_credentials() {
    let sandbox = client::start().await;
    get_path(&sandbox, "/hello?api_key=k-42")
        .await
        .expect("a reply");
    let entry = sandbox.journal().last().expect("an entry");
    let shown = format!("{entry:?}");
    assert!(
        !shown.contains("test-token-123") && !shown.contains("k-42"),
        "{shown}"
    );
    assert!(
        shown.contains("/hello") && shown.contains("[redacted]"),
        "{shown}"
    );
    assert!(format!("{sandbox:?}").contains("Journal"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_concurrent_requests_once_each() {
    let sandbox = client::start().await;
    let addr = sandbox.addr();
    let requests: Vec<_> = (0..32)
        .map(|i| {
            tokio::spawn(async move {
                send(addr, Method::POST, "/echo", Bytes::from(i.to_string())).await
            })
        })
        .collect();
    for request in requests {
        request.await.expect("client task").expect("a reply");
    }
    let entries = sandbox.journal().entries();
    let mut bodies: Vec<u32> = entries
        .iter()
        .map(|e| e.body_text().expect("text").parse().expect("number"))
        .collect();
    bodies.sort_unstable();
    assert_eq!(bodies, (0..32).collect::<Vec<_>>());
    assert!(
        entries
            .windows(2)
            .all(|pair| pair[0].seq + 1 == pair[1].seq)
    );
}
