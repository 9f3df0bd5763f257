//! Allthenticate: list, invite, suspend (reversible), delete. The API reports no sign-in
//! times, so last login is `unknown` and nobody is judged idle by `audit`; its
//! `active_date` is passed on as the activity signal a dormancy policy may choose.

use std::collections::BTreeMap;

use allthenticate_client::{
    Client, EmailId, EmailStatus, SuspensionError, SuspensionState, Timestamp, User,
};

use crate::config::{ConfigError, Location, Vendor};
use crate::plan::{Action, Step};
use crate::policy::Signal;
use crate::portal::{Listing, Operation, Outcomes, Portal, PortalError, Reply, one_by_one};
use crate::record::{ActivityFacts, LastLogin, UserRecord, UserStatus};
use crate::vendors::{copy, full_name};

/// An Allthenticate organization.
#[derive(Debug)]
pub struct AllthenticatePortal {
    name: String,
    client: Client,
}

/// Builds the client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    api_key: &secrecy::SecretString,
) -> Result<AllthenticatePortal, ConfigError> {
    let mut builder = Client::builder().api_key(copy(api_key));
    if let Location::BaseUrl(url) = location {
        builder = builder.base_url(url);
    }
    let client = builder
        .build()
        .map_err(|error| ConfigError::client(portal, "api_key_env", &error))?;
    Ok(AllthenticatePortal {
        name: portal.to_owned(),
        client,
    })
}

impl Portal for AllthenticatePortal {
    fn vendor(&self) -> Vendor {
        Vendor::Allthenticate
    }

    fn listing_endpoints(&self) -> &'static [&'static str] {
        &["GET /multipleusers"]
    }

    /// List, invite, suspend (a toggle) and delete; no user groups.
    fn supports(&self, operation: Operation) -> bool {
        use Operation::{Delete, Invite, List, Suspend};
        matches!(operation, List | Invite | Suspend | Delete)
    }

    /// Every member, normalized.
    fn list(&self) -> Reply<'_, Listing> {
        Box::pin(async move {
            let users = self.client.users().list().send().await?.items;
            Ok(Listing::Users(
                users
                    .iter()
                    .map(|user| record(&self.name, user, self.client.suspension_state(user)))
                    .collect(),
            ))
        })
    }

    /// A guarded (un)suspension reads the whole membership before and after its toggle,
    /// so many are done together: two listings per batch instead of two per member.
    fn batch_size(&self, action: &Action) -> usize {
        match action {
            Action::Suspend | Action::Reactivate => SUSPENSION_BATCH,
            _ => 1,
        }
    }

    fn act_together<'a>(&'a self, steps: &'a [Step]) -> Reply<'a, Outcomes> {
        Box::pin(async move {
            let users = self.client.users();
            let ids = steps
                .iter()
                .map(|step| email_id(&step.target))
                .collect::<Result<Vec<_>, _>>()?;
            let results = match steps.first().map(|step| &step.action) {
                Some(Action::Suspend)
                    if steps.iter().all(|step| step.action == Action::Suspend) =>
                {
                    users.suspend_all(&ids).await?
                }
                Some(Action::Reactivate)
                    if steps.iter().all(|step| step.action == Action::Reactivate) =>
                {
                    users.unsuspend_all(&ids).await?
                }
                _ => return Ok(one_by_one(self, steps).await),
            };
            Ok(results
                .into_iter()
                .map(|result| result.map(drop).map_err(suspension_error))
                .collect())
        })
    }

    fn act<'a>(&'a self, action: &'a Action, target: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            let users = self.client.users();
            match action {
                // No request when already suspended (or, reactivating, already active); an
                // unknown state is refused rather than guessed at.
                Action::Suspend => users
                    .suspend(email_id(target)?)
                    .await
                    .map(drop)
                    .map_err(suspension_error)?,
                Action::Reactivate => users
                    .unsuspend(email_id(target)?)
                    .await
                    .map(drop)
                    .map_err(suspension_error)?,
                Action::Delete => users
                    .delete()
                    .email_id(email_id(target)?)
                    .send()
                    .await
                    .map(drop)?,
                // Allthenticate invitations carry no role.
                Action::Invite(_) => self
                    .client
                    .invites()
                    .invite([target])
                    .send()
                    .await
                    .map(drop)?,
                other => return Err(self.refuse(other.operation())),
            }
            Ok(())
        })
    }
}

/// (Un)suspensions carried out together (see [`Portal::batch_size`]).
const SUSPENSION_BATCH: usize = 500;

/// A failed (un)suspension: a request that failed, or a state that could not be
/// confirmed.
fn suspension_error(error: SuspensionError) -> PortalError {
    match error {
        SuspensionError::Request(error) => PortalError::Client(error),
        unconfirmed => PortalError::Unconfirmed(unconfirmed.to_string()),
    }
}

/// `suspension` as the client reads it through its configured source.
fn record(portal: &str, user: &User, suspension: SuspensionState) -> UserRecord {
    UserRecord {
        portal: portal.to_owned(),
        vendor: Vendor::Allthenticate,
        tenant: None,
        id: user.email_id.to_string(),
        email: user.email.as_deref().map(str::to_lowercase),
        name: user
            .name
            .clone()
            .or_else(|| full_name(user.first_name.as_deref(), user.last_name.as_deref())),
        // Only `CONFIRMED` is documented; any other email status is an invitation not yet
        // accepted, which the vendor refuses to suspend.
        status: match (suspension, &user.email_status) {
            (SuspensionState::Suspended, _) => UserStatus::Suspended,
            (SuspensionState::Unknown { reason }, _) => UserStatus::Unknown(reason),
            (SuspensionState::Active, Some(EmailStatus::Unknown(_))) => UserStatus::Pending,
            (SuspensionState::Active, _) => UserStatus::Active,
            (other, _) => UserStatus::Unknown(other.to_string()),
        },
        last_login: LastLogin::Unknown,
        roles: Vec::new(),
        groups: user.group_names().into_iter().map(str::to_owned).collect(),
        inactive: false,
        provisioned_by: None,
        activity: ActivityFacts {
            signals: BTreeMap::from([(
                Signal::ActiveDate,
                user.active_date.as_ref().map(Timestamp::assume_utc),
            )]),
            username: user.username.clone(),
            api_only: false,
            created_at: user.created.as_ref().map(Timestamp::assume_utc),
            suspended_since: None,
        },
    }
}

fn email_id(id: &str) -> Result<EmailId, core_http::Error> {
    id.parse().map(EmailId::new).map_err(|_| {
        core_http::Error::invalid_input(
            "email_id",
            format!("`{id}` is not an Allthenticate email_id"),
        )
    })
}
