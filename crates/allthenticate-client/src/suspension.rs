//! Suspension: where the client reads a member's state, and the guarded toggle behind
//! [`Users::suspend`] and [`Users::unsuspend`].
//!
//! Allthenticate documents the two states of `/togglesuspension` (`ACTIVE`, `SUSPENDED`)
//! but no field of the user record that reports them, and the call flips the state
//! blindly. So the client reads the state from a configurable [`SuspensionSource`],
//! refuses to toggle when it can not know the state, and reads the state back after a
//! toggle, stopping (never toggling a second time) when it did not move.

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
        self.find_by_email_id(id).await?.ok_or_else(|| {
            Error::invalid_input("email_id", "no member with this email_id in the listings")
        })
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

    async fn set_suspended(
        &self,
        id: EmailId,
        wanted: SuspensionState,
    ) -> Result<SuspensionChange, SuspensionError> {
        let id = id.check("email_id")?;
        let current = self.client().suspension_state(&self.listed(id).await?);
        if let SuspensionState::Unknown { reason } = current {
            return Err(SuspensionError::StateUnknown {
                email_id: id,
                reason,
            });
        }
        if current == wanted {
            return Ok(SuspensionChange::AlreadySo);
        }
        let ack: Ack = self.toggle_suspension(id).await?;
        let observed = match self.find_by_email_id(id).await {
            Ok(Some(user)) => self.client().suspension_state(&user),
            Ok(None) => SuspensionState::unknown("the member is no longer listed"),
            Err(source) => {
                return Err(SuspensionError::Unconfirmed {
                    email_id: id,
                    source,
                });
            }
        };
        if observed != wanted {
            return Err(SuspensionError::NotMoved {
                email_id: id,
                expected: wanted,
                observed,
            });
        }
        Ok(SuspensionChange::Toggled(ack))
    }
}
