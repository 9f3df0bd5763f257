//! The simulated portal's data, and the seeded ids, tokens, names and dates it is built from.

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use uuid::Uuid;

use super::{
    EmptyList, InviteResponse, PageBelowOne, Permission, SimOrganization, SimRole, SimUser,
};
use crate::time::{RFC3339_SECONDS, format_utc};

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) organization_id: Uuid,
    /// The invitation permissions this token lacks.
    pub(super) lacking: Vec<Permission>,
}

pub(super) struct State {
    pub(super) parent: Uuid,
    pub(super) organizations: Vec<SimOrganization>,
    pub(super) roles: Vec<SimRole>,
    pub(super) users: Vec<SimUser>,
    pub(super) tokens: HashMap<String, Token>,
    pub(super) lacking: HashMap<String, Vec<Uuid>>,
    pub(super) empty_list: EmptyList,
    pub(super) page_below_one: PageBelowOne,
    pub(super) invite_response: InviteResponse,
    pub(super) rng: fastrand::Rng,
    pub(super) logger_seq: u64,
}

impl State {
    pub(super) fn logger_id(&mut self) -> String {
        self.logger_seq += 1;
        format!("{:08x}-{:04x}", self.rng.u32(..), self.logger_seq)
    }

    pub(super) fn is_descendant(&self, organization: Uuid, ancestor: Uuid) -> bool {
        let mut current = Some(organization);
        let mut hops = 0;
        while let Some(id) = current {
            if id == ancestor {
                return true;
            }
            hops += 1;
            if hops > 64 {
                return false;
            }
            current = self
                .organizations
                .iter()
                .find(|org| org.id == id)
                .and_then(|org| org.parent_id);
        }
        false
    }
}

pub(super) fn uuid_from(rng: &mut fastrand::Rng) -> Uuid {
    let mut bytes = [0u8; 16];
    for byte in &mut bytes {
        *byte = rng.u8(..);
    }
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

pub(super) fn hex_token(rng: &mut fastrand::Rng) -> String {
    (0..64)
        .map(|_| char::from(b"0123456789abcdef"[rng.usize(..16)]))
        .collect()
}

pub(super) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch.
pub(super) fn rfc3339(secs: u64) -> String {
    format_utc(UNIX_EPOCH + Duration::from_secs(secs), RFC3339_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threatlocker::DEFAULT_NOW_SECS;

    #[test]
    fn dates_and_slugs() {
        assert_eq!(rfc3339(DEFAULT_NOW_SECS), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_739_282_602), "2025-02-11T14:03:22Z");
        assert_eq!(slug("O'Brien Family Medicine"), "o-brien-family-medicine");
    }
}
