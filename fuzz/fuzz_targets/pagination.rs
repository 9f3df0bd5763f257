//! The paging engine every listing runs on, fed pages from a misbehaving server, and
//! ThreatLocker's `pagination` header.
//!
//! Whatever the pages say, the stream must end (here: within one fetch past the pages the
//! server has; reading ahead may add one fetch per fetch, wasted when a page comes back
//! short), yield every item at most once and in order, never stay pending on ready
//! fetches (reading ahead yields once per page), and not panic.

#![no_main]

use std::collections::VecDeque;
use std::future::ready;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use arbitrary::Arbitrary;
use core_http::{Error, Page, PageRequest, PagingOptions, paginate_with};
use futures_util::Stream;
use libfuzzer_sys::fuzz_target;
use threatlocker_client::PaginationHeader;

#[derive(Debug, Arbitrary)]
enum Strategy {
    Offset {
        offset: u64,
        size: u32,
        read_ahead: bool,
    },
    Cursor {
        after: Option<String>,
        limit: u32,
    },
    PageNumber {
        size: u32,
        page: u32,
    },
    Single,
}

#[derive(Debug, Arbitrary)]
struct ServerPage {
    items: u8,
    total: Option<u64>,
    next_cursor: Option<String>,
    total_pages: Option<u64>,
    fingerprint: Option<u64>,
    fails: bool,
}

#[derive(Debug, Arbitrary)]
struct Input {
    strategy: Strategy,
    pages: Vec<ServerPage>,
    threatlocker_header: String,
    threatlocker_items: u16,
    threatlocker_page_size: u32,
}

fuzz_target!(|input: Input| {
    drive(&input);
    threatlocker_header(&input);
});

fn drive(input: &Input) {
    let (first, read_ahead) = match &input.strategy {
        Strategy::Offset {
            offset,
            size,
            read_ahead,
        } => (
            PageRequest::Offset {
                offset: *offset,
                size: *size,
            },
            *read_ahead,
        ),
        Strategy::Cursor { after, limit } => (
            PageRequest::Cursor {
                after: after.clone(),
                limit: *limit,
            },
            false,
        ),
        Strategy::PageNumber { size, page } => (
            PageRequest::PageNumber {
                page: *page,
                size: *size,
            },
            false,
        ),
        Strategy::Single => (PageRequest::Single, false),
    };
    // Items are numbered across pages, so order and repeats can be checked.
    let mut next_item = 0_u64;
    let mut pages = VecDeque::new();
    for page in &input.pages {
        let items: Vec<u64> = (next_item..next_item + u64::from(page.items)).collect();
        next_item += u64::from(page.items);
        pages.push_back(page_of(page, items));
    }
    let supplied = pages.len();
    let server = Arc::new(Mutex::new((pages, 0_usize)));
    let fetches = Arc::clone(&server);
    let options = PagingOptions::default().read_ahead(read_ahead);
    let style = first.clone();
    let stream = paginate_with("fuzz", first, options, move |request: PageRequest| {
        let mut server = fetches.lock().unwrap();
        server.1 += 1;
        let page = server
            .0
            .pop_front()
            .unwrap_or_else(|| Ok(Page::new(Vec::new())));
        check_request(&request, &style);
        ready(page)
    });
    let mut stream = pin!(stream);
    let mut context = Context::from_waker(Waker::noop());
    let read_ahead = read_ahead && matches!(input.strategy, Strategy::Offset { .. });
    let (mut last, mut pending) = (None, 0);
    loop {
        match stream.as_mut().poll_next(&mut context) {
            Poll::Ready(Some(Ok(item))) => {
                assert!(last.is_none_or(|last| item > last), "{item} after {last:?}");
                last = Some(item);
            }
            Poll::Ready(Some(Err(_))) => {}
            Poll::Ready(None) => break,
            Poll::Pending => {
                pending += 1;
                assert!(
                    read_ahead && pending == 1,
                    "ready fetches left the stream pending"
                );
                continue;
            }
        }
        pending = 0;
        let fetched = server.lock().unwrap().1;
        let bound = (supplied + 1) * if read_ahead { 2 } else { 1 };
        assert!(
            fetched <= bound,
            "{fetched} fetches for {supplied} pages: the stream does not stop"
        );
    }
}

fn page_of(page: &ServerPage, items: Vec<u64>) -> Result<Page<u64>, Error> {
    if page.fails {
        return Err(Error::invalid_input("fuzz", "the server failed"));
    }
    let mut built = Page::new(items)
        .total(page.total)
        .next_cursor(page.next_cursor.clone())
        .total_pages(page.total_pages);
    if let Some(fingerprint) = page.fingerprint {
        built = built.fingerprint(fingerprint);
    }
    Ok(built)
}

/// Requests keep the first request's style and page size.
fn check_request(request: &PageRequest, first: &PageRequest) {
    match (request, first) {
        (PageRequest::Offset { size, .. }, PageRequest::Offset { size: expected, .. })
        | (
            PageRequest::Cursor { limit: size, .. },
            PageRequest::Cursor {
                limit: expected, ..
            },
        )
        | (PageRequest::PageNumber { size, .. }, PageRequest::PageNumber { size: expected, .. }) => {
            assert_eq!(size, expected);
        }
        (PageRequest::Single, PageRequest::Single) => {}
        other => panic!("request {other:?} does not fit the first one"),
    }
}

fn threatlocker_header(input: &Input) {
    let Ok(header) = serde_json::from_str::<PaginationHeader>(&input.threatlocker_header) else {
        return;
    };
    let (Some(current), Some(total)) = (header.current_page, header.total_pages) else {
        return;
    };
    let (Ok(current), Ok(total)) = (u32::try_from(current), u64::try_from(total)) else {
        return;
    };
    let size = input.threatlocker_page_size;
    let items = usize::from(input.threatlocker_items);
    let page = Page::new(vec![(); items]).total_pages(Some(total));
    let next = page.next_request(&PageRequest::PageNumber {
        page: current,
        size,
    });
    if items > 0 && items as u64 >= u64::from(size) && current < u32::MAX {
        assert_eq!(next.is_some(), u64::from(current) < total);
    } else {
        assert_eq!(next, None, "an empty or short page is the last");
    }
}
