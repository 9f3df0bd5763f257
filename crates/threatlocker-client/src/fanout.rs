//! MSP fan-out: one person into many organizations.

use std::collections::HashSet;

use core_http::{Error, Result};
use futures_util::{StreamExt, stream};
use uuid::Uuid;

use crate::Client;
use crate::generated::UserRole;
use crate::users::Invitation;
use crate::validate::{self, IntoGuid};

/// Default number of organizations worked on at once.
pub const DEFAULT_FAN_OUT_CONCURRENCY: usize = 8;

/// The most organizations worked on at once.
pub const MAX_FAN_OUT_CONCURRENCY: usize = 64;

/// Invites one person into many organizations; from [`Client::invite_across`].
///
/// For each organization: look the role up by name in that organization (roles are not
/// inherited, so each organization has its own role id), then invite with that role,
/// both with `ManagedOrganizationId` set to the organization. At most
/// [`concurrency`](Self::concurrency) organizations are in flight. A failure in one
/// organization is recorded in its result and does not stop the others.
#[derive(Debug)]
#[must_use = "a fan-out does nothing until sent"]
pub struct FanOutInvite<'a> {
    client: &'a Client,
    username: String,
    role_name: String,
    organizations: Vec<std::result::Result<Uuid, String>>,
    concurrency: usize,
}

impl<'a> FanOutInvite<'a> {
    pub(crate) fn new(client: &'a Client, username: String, role_name: String) -> Self {
        Self {
            client,
            username,
            role_name,
            organizations: Vec::new(),
            concurrency: DEFAULT_FAN_OUT_CONCURRENCY,
        }
    }

    /// Adds the organizations to invite into (in addition to earlier ones).
    pub fn organizations<I>(mut self, ids: I) -> Self
    where
        I: IntoIterator,
        I::Item: IntoGuid,
    {
        self.organizations
            .extend(ids.into_iter().map(IntoGuid::into_guid));
        self
    }

    /// How many organizations are worked on at once (1 to [`MAX_FAN_OUT_CONCURRENCY`];
    /// default [`DEFAULT_FAN_OUT_CONCURRENCY`]).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency;
        self
    }

    fn check(&self) -> Result<Vec<Uuid>> {
        validate::email("username", &self.username)?;
        if self.role_name.trim().is_empty() {
            return Err(Error::invalid_input("role_name", "must not be empty"));
        }
        if !(1..=MAX_FAN_OUT_CONCURRENCY).contains(&self.concurrency) {
            return Err(Error::invalid_input(
                "concurrency",
                format!("must be between 1 and {MAX_FAN_OUT_CONCURRENCY}"),
            ));
        }
        if self.organizations.is_empty() {
            return Err(Error::invalid_input(
                "organizations",
                "at least one organization is required",
            ));
        }
        let mut seen = HashSet::new();
        let mut ids = Vec::with_capacity(self.organizations.len());
        for (index, id) in self.organizations.iter().enumerate() {
            let field = format!("organizations[{index}]");
            let id = id
                .clone()
                .map_err(|reason| Error::invalid_input(field.clone(), reason))?;
            if id.is_nil() {
                return Err(Error::invalid_input(
                    field,
                    "the zero GUID names no organization",
                ));
            }
            if !seen.insert(id) {
                return Err(Error::invalid_input(
                    field,
                    format!("organization {id} is listed twice"),
                ));
            }
            ids.push(id);
        }
        Ok(ids)
    }

    /// Runs the fan-out. `Err` only for invalid input (nothing sent); every per-organization
    /// outcome, failures included, is in the report, in the order the organizations were given.
    pub async fn send(self) -> Result<FanOutReport> {
        let ids = self.check()?;
        let Self {
            client,
            username,
            role_name,
            concurrency,
            ..
        } = self;
        let (username, role_name) = (username.as_str(), role_name.trim());
        let mut results: Vec<(usize, OrganizationInvite)> =
            stream::iter(ids.into_iter().enumerate())
                .map(|(index, organization_id)| {
                    let scoped = client.organization(organization_id);
                    async move {
                        let outcome =
                            invite_one(&scoped, organization_id, username, role_name).await;
                        (
                            index,
                            OrganizationInvite {
                                organization_id,
                                outcome,
                            },
                        )
                    }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
        results.sort_by_key(|(index, _)| *index);
        Ok(FanOutReport {
            results: results.into_iter().map(|(_, result)| result).collect(),
        })
    }
}

async fn invite_one(
    scoped: &Client,
    organization_id: Uuid,
    username: &str,
    role_name: &str,
) -> InviteOutcome {
    let role = match scoped.roles().find_by_name(role_name).await {
        Ok(Some(role)) => role,
        Ok(None) => {
            return InviteOutcome::RoleNotFound {
                role_name: role_name.to_owned(),
            };
        }
        Err(error) => return InviteOutcome::Failed(error),
    };
    match scoped
        .users()
        .invite(username)
        .role(organization_id, role.user_role_id)
        .send()
        .await
    {
        Ok(invitation) => InviteOutcome::Invited { role, invitation },
        Err(error) => InviteOutcome::Failed(error),
    }
}

/// What happened in one organization of a fan-out.
#[derive(Debug)]
pub enum InviteOutcome {
    /// The invitation was sent with this role.
    Invited {
        /// The role found by name in the organization.
        role: UserRole,
        /// The invitation.
        invitation: Invitation,
    },
    /// The organization has no role of that name; nothing was sent to invite.
    RoleNotFound {
        /// The name looked for.
        role_name: String,
    },
    /// Looking the role up or inviting failed; the error says why.
    Failed(Error),
}

/// One organization's result.
#[derive(Debug)]
pub struct OrganizationInvite {
    /// The organization.
    pub organization_id: Uuid,
    /// What happened there.
    pub outcome: InviteOutcome,
}

/// Every organization's result, in the order given.
#[derive(Debug)]
pub struct FanOutReport {
    /// One entry per organization.
    pub results: Vec<OrganizationInvite>,
}

impl FanOutReport {
    /// Organizations the person was invited into.
    pub fn invited(&self) -> impl Iterator<Item = &OrganizationInvite> {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, InviteOutcome::Invited { .. }))
    }

    /// Organizations lacking the role.
    pub fn role_not_found(&self) -> impl Iterator<Item = &OrganizationInvite> {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, InviteOutcome::RoleNotFound { .. }))
    }

    /// Organizations where a call failed.
    pub fn failed(&self) -> impl Iterator<Item = &OrganizationInvite> {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, InviteOutcome::Failed(_)))
    }

    /// Whether the person was invited everywhere.
    pub fn all_invited(&self) -> bool {
        self.invited().count() == self.results.len()
    }
}
