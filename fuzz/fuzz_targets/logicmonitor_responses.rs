//! LogicMonitor response bodies: list envelopes read at any offset, every public model,
//! the open status enum and the `errorCode` decoder.

#![no_main]

use libfuzzer_sys::fuzz_target;
use logicmonitor_client::{
    Admin, AdminGroup, AdminStatus, ApiToken, ErrorResponse, LogicMonitorErrorDecoder, Role,
    decode_list_page,
};
use portal_users_fuzz::{decode, decode_error, text};
use serde::de::DeserializeOwned;

/// Offsets a page may be requested at: the start, deep in a listing, and the very end.
const OFFSETS: [u64; 3] = [0, 1_000_000, u64::MAX];

fuzz_target!(|body: &[u8]| {
    envelope::<Admin>(body);
    envelope::<AdminGroup>(body);
    envelope::<Role>(body);
    envelope::<ApiToken>(body);
    decode::<Admin>(body);
    decode::<AdminGroup>(body);
    decode::<Role>(body);
    decode::<ApiToken>(body);
    decode::<ErrorResponse>(body);
    decode_error(&LogicMonitorErrorDecoder, body);
    if let Some(text) = text(body) {
        let status = AdminStatus::from(text);
        assert_eq!(AdminStatus::from(status.as_str()), status);
    }
});

fn envelope<T: DeserializeOwned>(body: &[u8]) {
    for offset in OFFSETS {
        if let Ok(page) = decode_list_page::<T>(body, offset) {
            let total = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|value| value.get("total")?.as_u64());
            if let Some(total) = total {
                assert_eq!(page.total, Some(total), "a reported total is kept");
            }
        }
    }
}
