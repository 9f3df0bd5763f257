//! Allthenticate response bodies through every public model, the zone-less timestamp,
//! the open enums and the error decoder.

#![no_main]

use allthenticate_client::{
    AdStatus, AllthenticateErrorDecoder, EmailStatus, Invite, InviteResult, Message, Rank,
    SmartCardList, Timestamp, User, UserDetail, UserTag,
};
use chrono::Timelike;
use libfuzzer_sys::fuzz_target;
use portal_users_fuzz::{decode, decode_error, text};

fuzz_target!(|body: &[u8]| {
    // The user listing is the single-response page.
    decode::<Vec<User>>(body);
    decode::<UserDetail>(body);
    decode::<Vec<Invite>>(body);
    decode::<InviteResult>(body);
    decode::<Message>(body);
    decode::<SmartCardList>(body);
    decode_error(&AllthenticateErrorDecoder, body);
    if let Some(text) = text(body) {
        if let Some(stamp) = Timestamp::parse(text) {
            // The wire format has whole seconds: a round trip keeps everything else,
            // a leap second (`:60`, a nanosecond count of a second or more) included.
            let again = Timestamp::parse(&stamp.to_string());
            let nanos = stamp.naive().nanosecond();
            let whole = stamp
                .naive()
                .with_nanosecond(nanos - nanos % 1_000_000_000)
                .map(Timestamp);
            assert_eq!(again, whole, "{text:?}");
        }
        let rank = Rank::from(text);
        assert_eq!(Rank::from(rank.as_str()), rank);
        let tag = UserTag::from(text);
        assert_eq!(UserTag::from(tag.as_str()), tag);
        let status = AdStatus::from(text);
        assert_eq!(AdStatus::from(status.as_str()), status);
        let email = EmailStatus::from(text);
        assert_eq!(EmailStatus::from(email.as_str()), email);
    }
});
