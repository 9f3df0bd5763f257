//! Rate-limit windows, observed from a real client.

use std::time::Duration;

use http::StatusCode;
use portal_sandbox::{Fault, RateLimit, RateLimitHeaders};
use serde_json::json;

use super::client::{self, get_path};

const WINDOW: Duration = Duration::from_millis(300);

#[tokio::test]
async fn window_length_style_refuses_after_the_limit_until_the_window_passes() {
    let sandbox = client::start().await;
    let limit = RateLimit::new(3, WINDOW).headers(RateLimitHeaders::window_length_style());
    sandbox.faults().inject(Fault::rate_limit(limit));

    for remaining in ["2", "1", "0"] {
        let reply = get_path(&sandbox, "/hello").await.expect("a reply");
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.text(), "hello, world");
        assert_eq!(reply.header("x-rate-limit-limit"), Some("3"));
        assert_eq!(reply.header("x-rate-limit-remaining"), Some(remaining));
        assert_eq!(reply.header("x-rate-limit-window"), Some("1"));
        assert_eq!(reply.header("retry-after"), None);
    }
    let refused = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.header("x-rate-limit-remaining"), Some("0"));

    tokio::time::sleep(WINDOW).await;
    let again = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.header("x-rate-limit-remaining"), Some("2"));
}

#[tokio::test]
async fn reset_seconds_style_with_a_vendor_error_body() {
    let sandbox = client::start().await;
    let limit =
        RateLimit::new(1, Duration::from_secs(30)).headers(RateLimitHeaders::reset_seconds_style());
    sandbox.faults().inject(
        Fault::rate_limit(limit).json_body(&json!({ "status_code": 429, "message": "slow down" })),
    );

    let allowed = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(allowed.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(allowed.header("x-ratelimit-reset"), Some("30"));
    let refused = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.header("x-ratelimit-limit"), Some("1"));
    assert_eq!(
        refused.header("retry-after"),
        refused.header("x-ratelimit-reset")
    );
    assert_eq!(
        refused.text(),
        r#"{"message":"slow down","status_code":429}"#
    );
}

#[tokio::test]
async fn rate_limit_on_one_path_leaves_others_alone() {
    let sandbox = client::start().await;
    sandbox
        .faults()
        .inject(Fault::rate_limit(RateLimit::new(1, Duration::from_secs(30))).on_path("/v1/users"));
    assert_eq!(
        get_path(&sandbox, "/v1/users")
            .await
            .expect("a reply")
            .status,
        StatusCode::OK
    );
    assert_eq!(
        get_path(&sandbox, "/v1/users")
            .await
            .expect("a reply")
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let other = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(other.header("x-rate-limit-limit"), None);
}
