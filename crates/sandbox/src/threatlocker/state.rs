//! The simulated portal's data, and the seeded ids, tokens, names and dates it is built from.

use std::collections::HashMap;

use uuid::Uuid;

use super::{
    EmptyList, InviteResponse, PageBelowOne, Permission, SimOrganization, SimRole, SimUser,
};

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
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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
