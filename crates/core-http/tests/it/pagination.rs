//! The four paging styles over several pages, and servers that would make a naive client loop.

use core_http::{
    EarlyEnd, Error, HttpClient, Operation, Page, PageRequest, PagingOptions, Result, ShortListing,
    Shortfall, paginate, paginate_with,
};
use futures_util::StreamExt;
use httpmock::prelude::*;
use serde::Deserialize;

const LIST: Operation = Operation::get("users.list", "/users");
const SEARCH: Operation = Operation::post("users.search", "/users").with_idempotent(true);

#[derive(Debug, Deserialize)]
struct OffsetPage {
    total: u64,
    items: Vec<u32>,
}

#[derive(Debug, Deserialize)]
struct CursorPage {
    data: Vec<u32>,
    paging: Option<serde_json::Value>,
}

async fn collect<T>(stream: core_http::ItemStream<T>) -> (Vec<T>, Option<Error>) {
    let mut items = Vec::new();
    let mut stream = stream;
    while let Some(next) = stream.next().await {
        match next {
            Ok(item) => items.push(item),
            Err(error) => return (items, Some(error)),
        }
    }
    (items, None)
}

fn offset_stream(client: HttpClient, size: u32) -> core_http::ItemStream<u32> {
    offset_stream_with(client, size, false)
}

fn offset_stream_with(
    client: HttpClient,
    size: u32,
    read_ahead: bool,
) -> core_http::ItemStream<u32> {
    let options = PagingOptions::default().read_ahead(read_ahead);
    offset_stream_from(client, PageRequest::offset(size), options)
}

fn offset_stream_from(
    client: HttpClient,
    first: PageRequest,
    options: PagingOptions,
) -> core_http::ItemStream<u32> {
    paginate_with(LIST.name, first, options, move |request| {
        let client = client.clone();
        async move {
            let PageRequest::Offset { offset, size } = request else {
                unreachable!()
            };
            let response = client
                .request(&LIST)
                .query("offset", offset)
                .query("size", size)
                .send()
                .await?;
            let page: OffsetPage = response.json()?;
            Ok(Page::new(page.items)
                .total(Some(page.total))
                .fingerprint(response.fingerprint()))
        }
    })
}

#[tokio::test]
async fn offset_paging_reads_until_the_total() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (offset, items) in [(0, "[1,2]"), (2, "[3,4]"), (4, "[5]")] {
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/users")
                        .query_param("offset", offset.to_string())
                        .query_param("size", "2");
                    then.status(200)
                        .body(format!(r#"{{"total":5,"items":{items}}}"#));
                })
                .await,
        );
    }
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(offset_stream(client, 2)).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, vec![1, 2, 3, 4, 5]);
    for page in pages {
        assert_eq!(page.calls_async().await, 1);
    }
}

#[tokio::test]
async fn nothing_is_requested_until_the_stream_is_polled() {
    let server = MockServer::start_async().await;
    // Only this test's requests (size 10) count: httpmock reuses servers across tests,
    // and another test's request sent ahead may still arrive.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("size", "10");
            then.status(200).body(r#"{"total":1,"items":[1]}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let mut stream = offset_stream(client, 10);
    assert_eq!(mock.calls_async().await, 0);
    assert_eq!(stream.next().await.unwrap().unwrap(), 1);
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_server_returning_the_same_page_forever_ends_in_an_error() {
    let server = MockServer::start_async().await;
    // Ignores `offset` and claims a huge total.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/users");
            then.status(200).body(r#"{"total":1000000,"items":[1,2]}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(offset_stream(client, 2)).await;

    assert_eq!(items, vec![1, 2]);
    assert!(matches!(error, Some(Error::Pagination { .. })), "{error:?}");
    assert_eq!(mock.calls_async().await, 2);
}

fn cursor_stream(client: HttpClient) -> core_http::ItemStream<u32> {
    cursor_stream_from(client, PageRequest::cursor(2))
}

fn cursor_stream_from(client: HttpClient, first: PageRequest) -> core_http::ItemStream<u32> {
    paginate(LIST.name, first, move |request| {
        let client = client.clone();
        async move {
            let PageRequest::Cursor { after, limit } = request else {
                unreachable!()
            };
            let page: CursorPage = client
                .request(&LIST)
                .query("limit", limit)
                .query_opt("after", after)
                .send_json()
                .await?;
            let next = page
                .paging
                .as_ref()
                .and_then(|paging| paging["next"]["after"].as_str().map(str::to_owned));
            Ok(Page::new(page.data).next_cursor(next))
        }
    })
}

/// Three pages of 2, 2 and 1 items linked by `after` cursors; returns the first page's mock.
async fn cursor_pages(server: &MockServer) -> httpmock::Mock<'_> {
    let first = server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param_missing("after");
            then.status(200)
                .body(r#"{"data":[1,2],"paging":{"next":{"after":"MQit="}}}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/users")
                .query_param("after", "MQit=");
            then.status(200)
                .body(r#"{"data":[3,4],"paging":{"next":{"after":"Mgit="}}}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/users")
                .query_param("after", "Mgit=");
            then.status(200).body(r#"{"data":[5],"paging":{}}"#);
        })
        .await;
    first
}

#[tokio::test]
async fn cursor_paging_follows_after_until_it_disappears() {
    let server = MockServer::start_async().await;
    cursor_pages(&server).await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(cursor_stream(client)).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, vec![1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_in_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param_missing("after");
            then.status(200)
                .body(r#"{"data":[1],"paging":{"next":{"after":"A"}}}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("after", "A");
            then.status(200)
                .body(r#"{"data":[2],"paging":{"next":{"after":"B"}}}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("after", "B");
            then.status(200)
                .body(r#"{"data":[3],"paging":{"next":{"after":"A"}}}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(cursor_stream(client)).await;

    assert_eq!(items, vec![1, 2, 3]);
    assert!(matches!(error, Some(Error::Pagination { .. })), "{error:?}");
}

/// Page-number paging with `totalPages` in a `pagination` header, as ThreatLocker does.
fn page_number_stream(client: HttpClient, first: PageRequest) -> core_http::ItemStream<u32> {
    paginate(SEARCH.name, first, move |request| {
        let client = client.clone();
        async move {
            let PageRequest::PageNumber { page, size } = request else {
                unreachable!()
            };
            let response = client
                .request(&SEARCH)
                .json(&serde_json::json!({"pageNumber": page, "pageSize": size}))
                .send()
                .await?;
            let total_pages = response
                .headers()
                .get("pagination")
                .and_then(|value| {
                    serde_json::from_slice::<serde_json::Value>(value.as_bytes()).ok()
                })
                .and_then(|value| value["totalPages"].as_u64());
            Ok(Page::new(response.json::<Vec<u32>>()?).total_pages(total_pages))
        }
    })
}

#[tokio::test]
async fn page_number_paging_stops_at_the_header_total() {
    let server = MockServer::start_async().await;
    for page in 1..=3 {
        server.mock_async(|when, then| {
            when.method(POST).path("/users").json_body(serde_json::json!({"pageNumber": page, "pageSize": 2}));
            then.status(200)
                .header("pagination", format!(r#"{{"currentPage":{page},"itemsPerPage":2,"totalItems":5,"totalPages":3}}"#))
                .body(if page < 3 { format!("[{},{}]", page * 2 - 1, page * 2) } else { "[5]".to_owned() });
        }).await;
    }
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let stream = page_number_stream(client, PageRequest::page_number(2));
    let (items, error) = collect(stream).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, vec![1, 2, 3, 4, 5]);
}

/// A listing can start at any offset, cursor or page; the totals servers report count
/// the whole listing, and the stream ends at them, not that far past its start.
#[tokio::test]
async fn each_style_starts_at_the_first_request_and_reads_totals_as_absolute() {
    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for (offset, items) in [(0, "[1,2]"), (2, "[3,4]"), (4, "[5]"), (6, "[]")] {
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/users")
                        .query_param("offset", offset.to_string());
                    then.status(200)
                        .body(format!(r#"{{"total":5,"items":{items}}}"#));
                })
                .await,
        );
    }
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let first = PageRequest::Offset { offset: 2, size: 2 };
    let options = PagingOptions::default().read_ahead(true);
    let (items, error) = collect(offset_stream_from(client, first, options)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [3, 4, 5]);
    let mut calls = Vec::new();
    for page in &pages {
        calls.push(page.calls_async().await);
    }
    assert_eq!(calls, [0, 1, 1, 0], "requests at offsets 0, 2, 4, 6");

    let server = MockServer::start_async().await;
    let start = cursor_pages(&server).await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let first = PageRequest::Cursor {
        after: Some("MQit=".to_owned()),
        limit: 2,
    };
    let (items, error) = collect(cursor_stream_from(client, first)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [3, 4, 5]);
    assert_eq!(start.calls_async().await, 0);

    let server = MockServer::start_async().await;
    let mut pages = Vec::new();
    for page in 1..=4 {
        pages.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path("/users")
                        .json_body(serde_json::json!({"pageNumber": page, "pageSize": 2}));
                    then.status(200)
                        .header("pagination", r#"{"totalItems":6,"totalPages":3}"#)
                        .body(format!("[{},{}]", page * 2 - 1, page * 2));
                })
                .await,
        );
    }
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let first = PageRequest::PageNumber { page: 2, size: 2 };
    let (items, error) = collect(page_number_stream(client, first)).await;
    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [3, 4, 5, 6]);
    let mut calls = Vec::new();
    for page in &pages {
        calls.push(page.calls_async().await);
    }
    assert_eq!(calls, [0, 1, 1, 0], "requests for pages 1 to 4");
}

#[tokio::test]
async fn single_response_listing_requests_once() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/users");
            then.status(200).body("[1,2,3]");
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let stream = paginate(LIST.name, PageRequest::Single, move |_| {
        let client = client.clone();
        async move {
            Ok::<_, Error>(Page::new(
                client.request(&LIST).send_json::<Vec<u32>>().await?,
            ))
        }
    });
    let (items, error) = collect(stream).await;

    assert!(error.is_none());
    assert_eq!(items, vec![1, 2, 3]);
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn an_error_mid_listing_is_reported_not_swallowed() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("offset", "0");
            then.status(200).body(r#"{"total":4,"items":[1,2]}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("offset", "2");
            then.status(404).body(r#"{"message":"gone"}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(offset_stream(client, 2)).await;

    assert_eq!(items, vec![1, 2]);
    assert!(matches!(error, Some(Error::Api { .. })), "{error:?}");
}

/// Mocks `GET /users?offset=O&size=2` answering `{"total":TOTAL,"items":ITEMS}`, one per
/// `(offset, items)`, after `delay` each.
async fn offset_pages<'a>(
    server: &'a MockServer,
    total: u64,
    pages: &[(u64, &str)],
    delay: std::time::Duration,
) -> Vec<httpmock::Mock<'a>> {
    let mut mocks = Vec::new();
    for (offset, items) in pages {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path("/users")
                        .query_param("offset", offset.to_string())
                        .query_param("size", "2");
                    then.status(200)
                        .delay(delay)
                        .body(format!(r#"{{"total":{total},"items":{items}}}"#));
                })
                .await,
        );
    }
    mocks
}

#[tokio::test]
async fn reading_ahead_yields_every_item_once_with_one_request_per_page() {
    let server = MockServer::start_async().await;
    let pages = [
        (0, "[1,2]"),
        (2, "[3,4]"),
        (4, "[5,6]"),
        (6, "[7,8]"),
        (8, "[9]"),
    ];
    let mocks = offset_pages(&server, 9, &pages, std::time::Duration::ZERO).await;
    // Past the total: must never be asked for.
    let beyond = offset_pages(&server, 9, &[(10, "[]")], std::time::Duration::ZERO).await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(offset_stream_with(client, 2, true)).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, (1..=9).collect::<Vec<_>>());
    for (mock, (offset, _)) in mocks.iter().zip(pages) {
        assert_eq!(mock.calls_async().await, 1, "page at offset {offset}");
    }
    assert_eq!(beyond[0].calls_async().await, 0);
}

/// How many times page 3 was requested by the time the first item of page 2 (which the
/// server takes 300 ms to send) is yielded.
async fn page_three_requests_during_page_two(read_ahead: bool) -> usize {
    let server = MockServer::start_async().await;
    let delay = std::time::Duration::from_millis(300);
    let mocks = offset_pages(
        &server,
        6,
        &[(0, "[1,2]"), (2, "[3,4]"), (4, "[5,6]")],
        delay,
    )
    .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let mut stream = offset_stream_with(client, 2, read_ahead);
    let first: Vec<u32> = (&mut stream).take(3).map(Result::unwrap).collect().await;
    assert_eq!(first, [1, 2, 3]);
    let during = mocks[2].calls_async().await;
    let rest: Vec<u32> = stream.map(Result::unwrap).collect().await;
    assert_eq!(rest, [4, 5, 6]);
    assert_eq!(
        mocks[2].calls_async().await,
        1,
        "page 3 is requested once in all"
    );
    during
}

#[tokio::test]
async fn the_next_page_is_requested_while_the_current_one_is_on_its_way() {
    assert_eq!(page_three_requests_during_page_two(false).await, 0);
    assert_eq!(page_three_requests_during_page_two(true).await, 1);
}

#[tokio::test]
async fn a_short_page_drops_the_page_read_ahead_and_fetches_the_right_offset() {
    let server = MockServer::start_async().await;
    // The page at offset 2 comes back short: the next offset is 3, not the 4 read ahead.
    let pages = [
        (0, "[1,2]"),
        (2, "[3]"),
        (3, "[4,5]"),
        (4, "[99,98]"),
        (5, "[6]"),
    ];
    let mocks = offset_pages(&server, 6, &pages, std::time::Duration::ZERO).await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(offset_stream_with(client, 2, true)).await;

    assert!(error.is_none(), "{error:?}");
    assert_eq!(items, [1, 2, 3, 4, 5, 6]);
    // Every page once; the one read ahead at offset 4 is the price of the short page
    // (found by the pagination fuzz target, whose bound on fetches now allows it).
    for (mock, (offset, _)) in mocks.iter().zip(pages) {
        assert_eq!(mock.calls_async().await, 1, "page at offset {offset}");
    }
}

#[tokio::test]
async fn an_error_on_the_page_read_ahead_comes_after_the_items_before_it() {
    let server = MockServer::start_async().await;
    offset_pages(
        &server,
        8,
        &[(0, "[1,2]"), (2, "[3,4]")],
        std::time::Duration::ZERO,
    )
    .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("offset", "4");
            then.status(404).body(r#"{"message":"gone"}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let (items, error) = collect(offset_stream_with(client, 2, true)).await;

    assert_eq!(items, [1, 2, 3, 4]);
    assert!(matches!(error, Some(Error::Api { .. })), "{error:?}");
}

fn _assert_stream_is_send_and_unpin(
    stream: core_http::ItemStream<u32>,
) -> impl futures_util::Stream<Item = Result<u32>> + Send + Unpin {
    stream
}

/// Regression (fault matrix): an empty page before the announced end (here an empty 200
/// answer on page 2 of 3, as a proxy might send) was taken for the end of the listing,
/// silently truncating it.
#[tokio::test]
async fn an_empty_page_before_the_announced_end_is_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/users")
                .json_body(serde_json::json!({"pageNumber": 1, "pageSize": 2}));
            then.status(200)
                .header(
                    "pagination",
                    r#"{"currentPage":1,"itemsPerPage":2,"totalItems":5,"totalPages":3}"#,
                )
                .body("[1,2]");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/users")
                .json_body(serde_json::json!({"pageNumber": 2, "pageSize": 2}));
            then.status(200).body("[]");
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let stream = page_number_stream(client, PageRequest::page_number(2));
    let (items, error) = collect(stream).await;
    assert_eq!(items, vec![1, 2]);
    assert!(matches!(error, Some(Error::Pagination { .. })), "{error:?}");

    // The same for offset paging: an empty page at offset 2 of a total of 4.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("offset", "0");
            then.status(200).body(r#"{"total":4,"items":[1,2]}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users").query_param("offset", "2");
            then.status(200).body(r#"{"total":4,"items":[]}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let (items, error) = collect(offset_stream(client, 2)).await;
    assert_eq!(items, vec![1, 2]);
    assert!(matches!(error, Some(Error::Pagination { .. })), "{error:?}");
}

/// A server whose total overcounts (LogicMonitor under role-restricted visibility): with
/// `EarlyEnd::Stop` the listing ends cleanly with what it has and says how it fell short.
#[tokio::test]
async fn an_early_empty_page_can_stop_the_listing_and_record_the_shortfall() {
    let server = MockServer::start_async().await;
    for (offset, body) in [
        ("0", r#"{"total":7,"items":[1,2]}"#),
        ("2", r#"{"total":7,"items":[3]}"#),
        ("3", r#"{"total":7,"items":[]}"#),
    ] {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path("/users")
                    .query_param("offset", offset);
                then.status(200).body(body);
            })
            .await;
    }
    let client = HttpClient::builder(server.base_url()).build().unwrap();
    let short = ShortListing::new();
    let options = PagingOptions::default().early_end(EarlyEnd::Stop(short.clone()));
    let stream = offset_stream_from(client, PageRequest::offset(2), options);
    assert_eq!(
        short.shortfall(),
        None,
        "nothing is recorded before the end"
    );

    let (items, error) = collect(stream).await;

    assert_eq!(items, [1, 2, 3]);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        short.shortfall(),
        Some(Shortfall {
            returned: 3,
            announced_items: Some(7),
            announced_pages: None,
        })
    );
}

#[tokio::test]
async fn page_numbers_that_run_out_end_in_an_error() {
    // Found by fuzzing: asking for the page after page `u32::MAX` overflowed.
    let stream = paginate(
        LIST.name,
        PageRequest::PageNumber {
            page: u32::MAX,
            size: 2,
        },
        |request| async move {
            assert_eq!(
                request,
                PageRequest::PageNumber {
                    page: u32::MAX,
                    size: 2
                }
            );
            Ok::<_, Error>(Page::new(vec![1, 2]))
        },
    );
    let (items, error) = collect(stream).await;
    assert_eq!(items, vec![1, 2]);
    assert!(
        matches!(&error, Some(Error::Pagination { reason, .. }) if reason.contains("ran out")),
        "{error:?}"
    );

    // A short last page at `u32::MAX` is simply the end.
    let stream = paginate(
        LIST.name,
        PageRequest::PageNumber {
            page: u32::MAX,
            size: 2,
        },
        |_| async { Ok::<_, Error>(Page::new(vec![1])) },
    );
    let (items, error) = collect(stream).await;
    assert_eq!(items, vec![1]);
    assert!(error.is_none(), "{error:?}");
}
