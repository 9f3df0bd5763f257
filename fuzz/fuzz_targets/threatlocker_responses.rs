//! ThreatLocker response bodies through every public model, the lenient timestamp and
//! the error decoder.

#![no_main]

use libfuzzer_sys::fuzz_target;
use portal_users_fuzz::{decode, decode_error, text};
use threatlocker_client::{
    Organization, PaginationHeader, PortalErrorBody, ThreatLockerErrorDecoder, Timestamp, Timezone,
    TokenRevokedBody, UserRole,
};

fuzz_target!(|body: &[u8]| {
    // Listings are bare arrays; an empty body or `null` is an empty page.
    decode::<Option<Vec<Organization>>>(body);
    decode::<Option<Vec<UserRole>>>(body);
    decode::<Vec<Timezone>>(body);
    decode::<Organization>(body);
    decode::<PaginationHeader>(body);
    decode::<PortalErrorBody>(body);
    decode::<TokenRevokedBody>(body);
    decode_error(&ThreatLockerErrorDecoder, body);
    if let Some(stamp) = decode::<Timestamp>(body) {
        assert_eq!(Timestamp::parse(&stamp.to_string()), Some(stamp));
    }
    if let Some(stamp) = text(body).and_then(Timestamp::parse) {
        assert_eq!(Timestamp::parse(&stamp.to_string()), Some(stamp), "{stamp}");
    }
});
