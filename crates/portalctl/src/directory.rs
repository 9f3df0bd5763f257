//! The cross-vendor directory: every configured portal connected, listed and acted on
//! through one interface, concurrently over portals.
//!
//! **Offboarding policy** ([`offboard_action`]): suspend where the vendor can (it is
//! reversible), else delete where it can, else report the portal as unsupported.

use futures_util::future::join_all;

use crate::capability::{Operation, supports, unsupported};
use crate::config::{Config, ConfigError, PortalSettings, Vendor};
use crate::record::UserRecord;
use crate::vendors;

/// A vendor client for one portal.
#[derive(Debug)]
pub enum Connection {
    /// ThreatLocker.
    Threatlocker(threatlocker_client::Client),
    /// Allthenticate.
    Allthenticate(allthenticate_client::Client),
    /// A Whaly partner portal.
    PartnerPortal(partner_portal_client::PortalHandle),
    /// LogicMonitor.
    Logicmonitor(logicmonitor_client::Client),
}

/// A connected portal.
#[derive(Debug)]
pub struct Connected {
    /// The configured name.
    pub name: String,
    /// The vendor.
    pub vendor: Vendor,
    /// Its client.
    pub connection: Connection,
}

/// Every configured portal, connected (clients built; nothing sent yet).
#[derive(Debug)]
pub struct Directory {
    /// The portals, in configuration order.
    pub portals: Vec<Connected>,
}

/// The result of listing one portal.
#[derive(Debug)]
pub enum Listing {
    /// The portal's users.
    Users(Vec<UserRecord>),
    /// The vendor cannot list users.
    Unsupported(String),
    /// The portal failed; the reason.
    Failed(String),
}

impl Directory {
    /// Builds every portal's client; a refused setting is a [`ConfigError`].
    pub fn connect(config: &Config) -> Result<Self, ConfigError> {
        let portals = config
            .portals
            .iter()
            .map(|portal| {
                let name = portal.name.as_str();
                let connection = match &portal.settings {
                    PortalSettings::Threatlocker {
                        location,
                        token,
                        organization_id,
                    } => Connection::Threatlocker(vendors::threatlocker::connect(
                        name,
                        location,
                        token,
                        organization_id.as_deref(),
                    )?),
                    PortalSettings::Allthenticate { location, api_key } => {
                        Connection::Allthenticate(vendors::allthenticate::connect(
                            name, location, api_key,
                        )?)
                    }
                    PortalSettings::PartnerPortal {
                        location,
                        portal_id,
                        api_key,
                    } => Connection::PartnerPortal(vendors::partner_portal::connect(
                        name, location, portal_id, api_key,
                    )?),
                    PortalSettings::Logicmonitor {
                        location,
                        credentials,
                    } => Connection::Logicmonitor(vendors::logicmonitor::connect(
                        name,
                        location,
                        credentials,
                    )?),
                };
                Ok(Connected {
                    name: portal.name.clone(),
                    vendor: portal.settings.vendor(),
                    connection,
                })
            })
            .collect::<Result<_, ConfigError>>()?;
        Ok(Self { portals })
    }

    /// The portal called `name`.
    pub fn get(&self, name: &str) -> Option<&Connected> {
        self.portals.iter().find(|portal| portal.name == name)
    }

    /// Lists every portal (or only `only`) concurrently, in configuration order.
    pub async fn list(&self, only: Option<&str>) -> Vec<(&Connected, Listing)> {
        let selected = self
            .portals
            .iter()
            .filter(|portal| only.is_none_or(|name| portal.name == name));
        let selected: Vec<_> = selected.collect();
        let bar = crate::progress::bar(selected.len(), "listing portals");
        let listings = join_all(selected.into_iter().map(|portal| {
            let bar = &bar;
            async move {
                let listing = portal.list().await;
                bar.inc(1);
                (portal, listing)
            }
        }))
        .await;
        bar.finish_and_clear();
        listings
    }
}

/// What a ThreatLocker portal can say instead of its users: how many organizations hold
/// people out of sight, so an audit shows the size of what must be checked by hand. The
/// walk over the organization tree also proves the token works.
async fn threatlocker_listing(client: &threatlocker_client::Client) -> Listing {
    let reason = unsupported(Vendor::Threatlocker, Operation::List);
    match vendors::threatlocker::children(client).await {
        Ok(children) => Listing::Unsupported(format!(
            "{reason}; check its organization and {} child organizations by hand",
            children.len()
        )),
        Err(error) => Listing::Failed(format!(
            "{reason}, and its child organizations could not be read: {error}"
        )),
    }
}

impl Connected {
    /// Lists the portal's users.
    pub async fn list(&self) -> Listing {
        let name = self.name.as_str();
        let result = match &self.connection {
            Connection::Threatlocker(client) => return threatlocker_listing(client).await,
            Connection::Allthenticate(client) => vendors::allthenticate::list(client, name).await,
            Connection::PartnerPortal(handle) => vendors::partner_portal::list(handle, name).await,
            Connection::Logicmonitor(client) => vendors::logicmonitor::list(client, name).await,
        };
        match result {
            Ok(users) => Listing::Users(users),
            Err(reason) => Listing::Failed(reason),
        }
    }

    /// Checks connectivity and credentials with a read; says what was seen.
    pub async fn check(&self) -> Result<String, String> {
        match &self.connection {
            Connection::Threatlocker(client) => vendors::threatlocker::check(client).await,
            _ => match self.list().await {
                Listing::Users(users) => Ok(format!("credentials accepted, {} users", users.len())),
                Listing::Unsupported(reason) | Listing::Failed(reason) => Err(reason),
            },
        }
    }

    /// Runs one planned action on the user with vendor id `id`.
    pub async fn act(&self, action: &Action, id: &str) -> Result<(), String> {
        let refuse = |operation| Err(unsupported(self.vendor, operation));
        match (action, &self.connection) {
            (Action::Suspend, Connection::Allthenticate(client)) => {
                vendors::allthenticate::suspend(client, id).await
            }
            (Action::Suspend, Connection::Logicmonitor(client)) => {
                vendors::logicmonitor::suspend(client, id).await
            }
            (Action::Delete, Connection::Allthenticate(client)) => {
                vendors::allthenticate::delete(client, id).await
            }
            (Action::Delete, Connection::PartnerPortal(handle)) => {
                vendors::partner_portal::delete(handle, id).await
            }
            (Action::Delete, Connection::Logicmonitor(client)) => {
                vendors::logicmonitor::delete(client, id).await
            }
            (Action::MoveToGroup(group), Connection::Logicmonitor(client)) => {
                vendors::logicmonitor::move_to_group(client, id, group).await
            }
            (Action::CreateGroup(group), Connection::Logicmonitor(client)) => {
                vendors::logicmonitor::create_group(client, group).await
            }
            (Action::DeleteGroup(group), Connection::Logicmonitor(client)) => {
                vendors::logicmonitor::delete_group(client, group).await
            }
            (Action::Invite(role), connection) => invite(connection, id, role).await,
            (Action::Suspend, _) => refuse(Operation::Suspend),
            (Action::Delete, _) => refuse(Operation::Delete),
            (Action::MoveToGroup(_) | Action::CreateGroup(_) | Action::DeleteGroup(_), _) => {
                refuse(Operation::Groups)
            }
        }
    }
}

/// Invites `email` with the role named `role` into the portal (one organization on
/// ThreatLocker; the fan-out over children is [`crate::app`]'s job).
async fn invite(connection: &Connection, email: &str, role: &str) -> Result<(), String> {
    match connection {
        Connection::Threatlocker(client) => {
            vendors::threatlocker::invite(client, email, role).await
        }
        Connection::Allthenticate(client) => vendors::allthenticate::invite(client, email).await,
        Connection::PartnerPortal(handle) => {
            vendors::partner_portal::invite(handle, email, role).await
        }
        Connection::Logicmonitor(client) => {
            vendors::logicmonitor::invite(client, email, role).await
        }
    }
}

/// A change to one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Suspend (reversible).
    Suspend,
    /// Delete.
    Delete,
    /// Make this group the user's only group.
    MoveToGroup(String),
    /// Create this group (the step's user is the group).
    CreateGroup(String),
    /// Delete this group (the step's user is the group).
    DeleteGroup(String),
    /// Invite the address (the step's target) with this role.
    Invite(String),
}

impl Action {
    /// The name used in plans and the journal.
    pub fn label(&self) -> String {
        match self {
            Action::Suspend => "suspend".to_owned(),
            Action::Delete => "delete".to_owned(),
            Action::MoveToGroup(group) => format!("move to group {group}"),
            Action::CreateGroup(group) => format!("create group {group}"),
            Action::DeleteGroup(group) => format!("delete group {group}"),
            Action::Invite(role) => format!("invite as {role}"),
        }
    }

    /// Reads a label back (plans carry labels).
    pub fn from_label(label: &str) -> Option<Self> {
        match label {
            "suspend" => Some(Action::Suspend),
            "delete" => Some(Action::Delete),
            other => {
                let prefixed = |prefix: &str| other.strip_prefix(prefix).map(str::to_owned);
                prefixed("move to group ")
                    .map(Action::MoveToGroup)
                    .or_else(|| prefixed("create group ").map(Action::CreateGroup))
                    .or_else(|| prefixed("delete group ").map(Action::DeleteGroup))
                    .or_else(|| prefixed("invite as ").map(Action::Invite))
            }
        }
    }
}

/// How a leaver is removed from a vendor: suspend where possible, else delete, else
/// nothing (`None`: unsupported).
pub fn offboard_action(vendor: Vendor) -> Option<Action> {
    if supports(vendor, Operation::Suspend) {
        Some(Action::Suspend)
    } else if supports(vendor, Operation::Delete) {
        Some(Action::Delete)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offboarding_prefers_reversible_suspension() {
        assert_eq!(offboard_action(Vendor::Logicmonitor), Some(Action::Suspend));
        assert_eq!(
            offboard_action(Vendor::Allthenticate),
            Some(Action::Suspend)
        );
        assert_eq!(offboard_action(Vendor::PartnerPortal), Some(Action::Delete));
        assert_eq!(offboard_action(Vendor::Threatlocker), None);
    }

    #[test]
    fn action_labels_round_trip() {
        for action in [
            Action::Suspend,
            Action::Delete,
            Action::MoveToGroup("Suspended".into()),
            Action::CreateGroup("Night shift".into()),
            Action::DeleteGroup("Old".into()),
            Action::Invite("Helpdesk".into()),
        ] {
            assert_eq!(Action::from_label(&action.label()), Some(action));
        }
    }
}
