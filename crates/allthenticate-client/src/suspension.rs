//! Suspension: where the client reads a member's state, and the guarded toggle behind
//! [`Users::suspend`] and [`Users::unsuspend`].
//!
//! Allthenticate documents the two states of `/togglesuspension` (`ACTIVE`, `SUSPENDED`)
//! but no field of the user record that reports them, and the call flips the state
//! blindly. So the client reads the state from a configurable [`SuspensionSource`],
//! refuses to toggle when it can not know the state, and reads the state back after a
//! toggle, stopping (never toggling a second time) when it did not move.

use std::collections::HashMap;
use std::fmt;

use core_http::{Error, Result};
use serde_json::Value;

use crate::generated::User;
use crate::ids::EmailId;
use crate::types::Ack;
use crate::types::AdStatus;
use crate::users::{SuspensionChange, Users};

/// Where the client reads whether a member is suspended; see
/// [`ClientBuilder::suspension_source`](crate::ClientBuilder::suspension_source).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SuspensionSource {
    /// The listing's `ad_status`: `SUSPENDED` or `ACTIVE` (the default). This is the
    /// vendor reference's recommended reading, an **inference**: its values match the
    /// documented states, but no source says the field reports suspension.
    #[default]
    AdStatus,
    /// Another field of the listed user record, by name, holding `SUSPENDED` or `ACTIVE`
    /// (any case), for a portal that reports suspension there.
    Field(String),
    /// The portal does not report suspension: every state is
    /// [`SuspensionState::Unknown`], and [`Users::suspend`]/[`Users::unsuspend`] refuse
    /// without sending anything. [`Users::toggle_suspension`] is still available.
    NotReported,
}

impl SuspensionSource {
    /// The state of `user` as this source reports it (no request).
    pub fn read(&self, user: &User) -> SuspensionState {
        match self {
            Self::AdStatus => match &user.ad_status {
                Some(AdStatus::Active) => SuspensionState::Active,
                Some(AdStatus::Suspended) => SuspensionState::Suspended,
                Some(AdStatus::Unknown(other)) => SuspensionState::unknown(format!(
                    "ad_status is `{other}`, neither ACTIVE nor SUSPENDED"
                )),
                None => SuspensionState::unknown("the listing carries no ad_status"),
            },
            Self::Field(name) => match user.extra.get(name) {
                Some(Value::String(text)) if text.trim().eq_ignore_ascii_case("ACTIVE") => {
                    SuspensionState::Active
                }
                Some(Value::String(text)) if text.trim().eq_ignore_ascii_case("SUSPENDED") => {
                    SuspensionState::Suspended
                }
                Some(other) => SuspensionState::unknown(format!(
                    "`{name}` is {other}, neither ACTIVE nor SUSPENDED"
                )),
                None => SuspensionState::unknown(format!("the listing carries no `{name}`")),
            },
            Self::NotReported => SuspensionState::unknown(
                "the client is configured with SuspensionSource::NotReported: this portal does not report suspension",
            ),
        }
    }
}

impl fmt::Display for SuspensionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AdStatus => f.write_str("ad_status"),
            Self::Field(name) => write!(f, "field `{name}`"),
            Self::NotReported => f.write_str("not reported"),
        }
    }
}

/// A member's suspension as the client sees it through its [`SuspensionSource`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SuspensionState {
    /// Not suspended.
    Active,
    /// Suspended.
    Suspended,
    /// The source does not say; acting on the member would be a guess.
    Unknown {
        /// Why, in words a caller can show (e.g. "the listing carries no ad_status").
        reason: String,
    },
}

impl SuspensionState {
    fn unknown(reason: impl Into<String>) -> Self {
        Self::Unknown {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for SuspensionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Active => f.write_str("active"),
            Self::Suspended => f.write_str("suspended"),
            Self::Unknown { reason } => write!(f, "unknown ({reason})"),
        }
    }
}

/// Why [`Users::suspend`] or [`Users::unsuspend`] stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum SuspensionError {
    /// The state could not be known, so nothing was toggled: a caller should refuse and
    /// show `reason`.
    StateUnknown {
        /// The member.
        email_id: EmailId,
        /// Why the state is unknown.
        reason: String,
    },
    /// `/togglesuspension` was sent once, but reading back did not show the expected
    /// state. It was not sent again.
    NotMoved {
        /// The member.
        email_id: EmailId,
        /// The state asked for.
        expected: SuspensionState,
        /// The state read back.
        observed: SuspensionState,
    },
    /// `/togglesuspension` was sent once and answered 2xx, but reading back failed. It
    /// was not sent again.
    Unconfirmed {
        /// The member.
        email_id: EmailId,
        /// The read-back's error.
        source: Error,
    },
    /// A request before the toggle, or the toggle itself, failed (or the input was bad).
    Request(Error),
}

impl SuspensionError {
    /// Whether `/togglesuspension` was sent (and answered 2xx) before the error.
    pub fn toggled(&self) -> bool {
        matches!(self, Self::NotMoved { .. } | Self::Unconfirmed { .. })
    }
}

impl fmt::Display for SuspensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StateUnknown { email_id, reason } => write!(
                f,
                "cannot tell whether member {email_id} is suspended ({reason}); /togglesuspension flips the state blindly, so nothing was toggled"
            ),
            Self::NotMoved {
                email_id,
                expected,
                observed,
            } => write!(
                f,
                "/togglesuspension was sent once for member {email_id}, but reading back shows {observed} instead of {expected}; not toggling again: check the member in the portal and the client's suspension source"
            ),
            Self::Unconfirmed { email_id, source } => write!(
                f,
                "/togglesuspension was sent once for member {email_id}, but the state could not be read back ({source}); not toggling again"
            ),
            Self::Request(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for SuspensionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unconfirmed { source, .. } | Self::Request(source) => Some(source),
            _ => None,
        }
    }
}

impl From<Error> for SuspensionError {
    fn from(error: Error) -> Self {
        Self::Request(error)
    }
}

impl Users<'_> {
    /// The member's suspension as the client sees it: one or two listings (regular
    /// members, then guests), read through the client's [`SuspensionSource`]. For a
    /// member already listed, [`Client::suspension_state`](crate::Client::suspension_state)
    /// answers without a request. A member missing from the listings is
    /// [`Error::InvalidInput`] for `email_id`.
    pub async fn suspension_state(&self, id: EmailId) -> Result<SuspensionState> {
        let user = self.listed(id).await?;
        Ok(self.client().suspension_state(&user))
    }

    async fn listed(&self, id: EmailId) -> Result<User> {
        self.find_by_email_id(id).await?.ok_or_else(not_listed)
    }

    /// Suspends the member unless already suspended.
    ///
    /// 1. Reads the state through the client's [`SuspensionSource`] (one or two
    ///    listings). [`SuspensionState::Unknown`] stops here with
    ///    [`SuspensionError::StateUnknown`]: nothing is toggled.
    /// 2. Already suspended: [`SuspensionChange::AlreadySo`], nothing sent.
    /// 3. Otherwise sends `/togglesuspension` **once**, then reads the state back; when it
    ///    is not `Suspended` the call stops with [`SuspensionError::NotMoved`] (or
    ///    [`SuspensionError::Unconfirmed`] when the read-back fails) and never toggles
    ///    again.
    ///
    /// **Read-then-write, not atomic**: a concurrent toggle between the read and the
    /// toggle shows up as `NotMoved`.
    pub async fn suspend(&self, id: EmailId) -> Result<SuspensionChange, SuspensionError> {
        self.set_suspended(id, SuspensionState::Suspended).await
    }

    /// Lifts the member's suspension unless not suspended; the same steps and guards as
    /// [`suspend`](Self::suspend).
    pub async fn unsuspend(&self, id: EmailId) -> Result<SuspensionChange, SuspensionError> {
        self.set_suspended(id, SuspensionState::Active).await
    }

    /// [`suspend`](Self::suspend) for many members, with two listings in all instead of
    /// two per member: the states are read once, each member that needs it is toggled
    /// once, then the states are read back once. The same guards hold for each member.
    /// One result per id, in order; `Err` when the first listing failed (nothing was
    /// toggled).
    pub async fn suspend_all(
        &self,
        ids: &[EmailId],
    ) -> Result<Vec<Result<SuspensionChange, SuspensionError>>> {
        self.set_suspended_all(ids, SuspensionState::Suspended)
            .await
    }

    /// [`unsuspend`](Self::unsuspend) for many members, as [`suspend_all`](Self::suspend_all)
    /// does it.
    pub async fn unsuspend_all(
        &self,
        ids: &[EmailId],
    ) -> Result<Vec<Result<SuspensionChange, SuspensionError>>> {
        self.set_suspended_all(ids, SuspensionState::Active).await
    }

    async fn set_suspended(
        &self,
        id: EmailId,
        wanted: SuspensionState,
    ) -> Result<SuspensionChange, SuspensionError> {
        let id = id.check("email_id")?;
        if !self.needs_toggle(id, self.find_by_email_id(id).await?.as_ref(), &wanted)? {
            return Ok(SuspensionChange::AlreadySo);
        }
        let ack: Ack = self.toggle_suspension(id).await?;
        match self.find_by_email_id(id).await {
            Ok(read_back) => self.confirm(id, read_back.as_ref(), wanted, ack),
            Err(source) => Err(SuspensionError::Unconfirmed {
                email_id: id,
                source,
            }),
        }
    }

    async fn set_suspended_all(
        &self,
        ids: &[EmailId],
        wanted: SuspensionState,
    ) -> Result<Vec<Result<SuspensionChange, SuspensionError>>> {
        let before = self.members().await?;
        let mut results = Vec::with_capacity(ids.len());
        let mut toggled = Vec::new();
        for (index, id) in ids.iter().enumerate() {
            let toggle = async {
                let id = id.check("email_id")?;
                if !self.needs_toggle(id, before.get(&id), &wanted)? {
                    return Ok(None);
                }
                Ok(Some((id, self.toggle_suspension(id).await?)))
            };
            match toggle.await {
                Ok(Some((id, ack))) => {
                    toggled.push((index, id, ack));
                    // Replaced once read back, below.
                    results.push(Ok(SuspensionChange::AlreadySo));
                }
                Ok(None) => results.push(Ok(SuspensionChange::AlreadySo)),
                Err(error) => results.push(Err(error)),
            }
        }
        if toggled.is_empty() {
            return Ok(results);
        }
        // When the one read-back fails, each member is read back on its own.
        let after = self.members().await.ok();
        for (index, id, ack) in toggled {
            let read_back = match &after {
                Some(members) => Ok(members.get(&id).cloned()),
                None => self.find_by_email_id(id).await,
            };
            results[index] = match read_back {
                Ok(user) => self.confirm(id, user.as_ref(), wanted.clone(), ack),
                Err(source) => Err(SuspensionError::Unconfirmed {
                    email_id: id,
                    source,
                }),
            };
        }
        Ok(results)
    }

    /// Whether the member `listed` must be toggled to reach `wanted`; an error when it is
    /// not listed or its state is unknown (then nothing may be toggled).
    #[allow(clippy::result_large_err)] // the error callers get, made once per member
    fn needs_toggle(
        self,
        id: EmailId,
        listed: Option<&User>,
        wanted: &SuspensionState,
    ) -> Result<bool, SuspensionError> {
        let user = listed.ok_or_else(not_listed)?;
        match self.client().suspension_state(user) {
            SuspensionState::Unknown { reason } => Err(SuspensionError::StateUnknown {
                email_id: id,
                reason,
            }),
            current => Ok(current != *wanted),
        }
    }

    /// After one toggle: the change, or [`SuspensionError::NotMoved`] when the member
    /// read back is not in the `wanted` state.
    #[allow(clippy::result_large_err)] // the error callers get, made once per member
    fn confirm(
        self,
        id: EmailId,
        read_back: Option<&User>,
        wanted: SuspensionState,
        ack: Ack,
    ) -> Result<SuspensionChange, SuspensionError> {
        let observed = read_back.map_or_else(
            || SuspensionState::unknown("the member is no longer listed"),
            |user| self.client().suspension_state(user),
        );
        if observed == wanted {
            Ok(SuspensionChange::Toggled(ack))
        } else {
            Err(SuspensionError::NotMoved {
                email_id: id,
                expected: wanted,
                observed,
            })
        }
    }

    /// Every member, regular then guests, by email id (the listings `find` reads, the
    /// first listing winning).
    async fn members(&self) -> Result<HashMap<EmailId, User>> {
        let mut members = HashMap::new();
        for list in self.listings() {
            for user in list.send().await? {
                members.entry(user.email_id).or_insert(user);
            }
        }
        Ok(members)
    }
}

/// The error for an `email_id` that no listing shows.
fn not_listed() -> Error {
    Error::invalid_input("email_id", "no member with this email_id in the listings")
}
