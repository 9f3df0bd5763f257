//! Whaly partner portals: list, create (invite), delete. No suspension in the API.

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use partner_portal_client::{Client, NewUser, PartnerPortalUser, PortalHandle};

use crate::config::{ConfigError, Location, Vendor};
use crate::plan::Action;
use crate::policy::Signal;
use crate::portal::{Listing, Operation, Portal, Reply};
use crate::record::{ActivityFacts, LastLogin, UserRecord, UserStatus};
use crate::vendors::{copy, full_name};

/// One Whaly partner portal.
#[derive(Debug)]
pub struct PartnerPortal {
    name: String,
    client: Client,
    portal_id: String,
}

/// Builds the portal's client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    portal_id: &str,
    api_key: &secrecy::SecretString,
) -> Result<PartnerPortal, ConfigError> {
    let mut builder = Client::builder().api_key(copy(api_key));
    if let Location::BaseUrl(url) = location {
        builder = builder.base_url(url);
    }
    let client = builder
        .build()
        .map_err(|error| ConfigError::client(portal, "api_key_env", &error))?;
    Ok(PartnerPortal {
        name: portal.to_owned(),
        client,
        portal_id: portal_id.to_owned(),
    })
}

impl PartnerPortal {
    /// The client's handle on this portal.
    fn handle(&self) -> PortalHandle<'_> {
        self.client.portal(self.portal_id.as_str())
    }
}

/// Page size asked of Whaly, which documents no default or maximum: a server that caps
/// lower still answers with a cursor, and 100 takes a quarter of the round trips of a
/// 25-item default.
const PAGE_SIZE: u32 = 100;

impl Portal for PartnerPortal {
    fn vendor(&self) -> Vendor {
        Vendor::PartnerPortal
    }

    fn listing_endpoints(&self) -> &'static [&'static str] {
        &["GET /v1/partner-portals/{portalId}/users"]
    }

    /// List, invite (create) and delete; no suspension, no user groups.
    fn supports(&self, operation: Operation) -> bool {
        use Operation::{Delete, Invite, List};
        matches!(operation, List | Invite | Delete)
    }

    /// Every portal user, normalized as each page arrives.
    fn list(&self) -> Reply<'_, Listing> {
        Box::pin(async move {
            let users = self
                .handle()
                .list_users()
                .limit(PAGE_SIZE)
                .stream()
                .map_ok(|user| record(&self.portal_id, &self.name, &user))
                .try_collect()
                .await?;
            Ok(Listing::Users(users))
        })
    }

    fn act<'a>(&'a self, action: &'a Action, target: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            match action {
                Action::Delete => self.handle().delete_user(target).await.map(drop)?,
                Action::Invite(role) => self
                    .handle()
                    .ensure_user(&new_user(target, role))
                    .await
                    .map(drop)?,
                other => return Err(self.refuse(other.operation())),
            }
            Ok(())
        })
    }
}

fn record(portal_id: &str, portal: &str, user: &PartnerPortalUser) -> UserRecord {
    UserRecord {
        portal: portal.to_owned(),
        vendor: Vendor::PartnerPortal,
        tenant: Some(portal_id.to_owned()),
        id: user.id.clone(),
        email: Some(user.email.to_lowercase()),
        name: full_name(Some(&user.first_name), Some(&user.last_name)),
        status: UserStatus::Active,
        last_login: user
            .last_logged_at
            .get()
            .map_or(LastLogin::Never, LastLogin::At),
        roles: Vec::new(),
        groups: Vec::new(),
        inactive: false,
        provisioned_by: None,
        activity: ActivityFacts {
            signals: BTreeMap::from([(Signal::LastLoggedAt, user.last_logged_at.get())]),
            ..ActivityFacts::default()
        },
    }
}

/// The user to create for `email` with the role named `role`, names taken from the
/// address.
fn new_user(email: &str, role: &str) -> NewUser {
    let local = email.split('@').next().unwrap_or(email);
    let mut parts = local.splitn(2, '.');
    let first = parts.next().unwrap_or(local);
    let last = parts.next().unwrap_or("-");
    NewUser::new(first, last, email).role_named(role)
}
