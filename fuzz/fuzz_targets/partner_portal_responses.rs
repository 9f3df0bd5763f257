//! Whaly partner-portal response bodies through every public model (cursor pages
//! included), the tolerant `last_logged_at` and the error decoder.

#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_portal_client::{
    AttributeType, DeletedPartnerPortalUser, ErrorResponse, LastLoggedAt, NestErrorResponse,
    PartnerPortalUser, PartnerPortalUserPage, RolePage, UserAttributePage, PartnerPortalErrorDecoder,
};
use portal_users_fuzz::{decode, decode_error, text};

fuzz_target!(|body: &[u8]| {
    decode::<PartnerPortalUserPage>(body);
    decode::<RolePage>(body);
    decode::<UserAttributePage>(body);
    decode::<PartnerPortalUser>(body);
    decode::<DeletedPartnerPortalUser>(body);
    decode::<ErrorResponse>(body);
    decode::<NestErrorResponse>(body);
    decode_error(&PartnerPortalErrorDecoder, body);
    if let Some(at) = decode::<LastLoggedAt>(body) {
        // Serialized as RFC 3339 with milliseconds: a round trip keeps the millisecond.
        let json = serde_json::to_string(&at).unwrap();
        let again: LastLoggedAt = serde_json::from_str(&json).unwrap();
        let millis = at.map(|time| time.timestamp_millis());
        assert_eq!(again.map(|time| time.timestamp_millis()), millis, "{json}");
    }
    if let Some(text) = text(body) {
        let kind = AttributeType::from(text);
        assert_eq!(AttributeType::from(kind.as_str()), kind);
    }
});
