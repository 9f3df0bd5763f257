//! `User/*`: timezones and invitations, the only user calls ThreatLocker documents.

use core_http::{Error, Operation, Result};
use serde_json::Value;
use uuid::Uuid;

use crate::Client;
use crate::generated::{InviteRequest, InviteRole, Timezone, UserRole};
use crate::validate::{self, IntoGuid};

pub(crate) static LIST_TIMEZONES: Operation =
    Operation::get("user.timezones", "/portalapi/User/UserGetAllTimezones");
pub(crate) static INVITE: Operation =
    Operation::post("user.invite", "/portalapi/User/UserInviteByUsername");

/// User calls; from [`Client::users`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    client: &'a Client,
}

impl<'a> Users<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `GET /portalapi/User/UserGetAllTimezones`: every timezone id other calls accept
    /// (Windows ids such as `Eastern Standard Time`). An empty body or `null` is an empty list.
    pub async fn timezones(&self) -> Result<Vec<Timezone>> {
        let response = self.client.request(&LIST_TIMEZONES)?.send().await?;
        crate::paging::items_of(&response)
    }

    /// Starts an invitation of `username` (an email address) into the managed organization.
    pub fn invite(&self, username: impl Into<String>) -> Invite<'a> {
        Invite {
            client: self.client,
            username: username.into(),
            roles: Vec::new(),
        }
    }
}

/// `POST /portalapi/User/UserInviteByUsername`; from [`Users::invite`].
///
/// Checked before sending: `username` is an email address; there is at least one role;
/// every id is a GUID; and every role's organization is the organization the invite is
/// sent to (the handle's managed organization), because the portal only accepts roles
/// created in that organization. Without a managed organization (or with the zero GUID)
/// the client can not know the token's own organization id, so it only checks that all
/// roles name the same organization.
#[derive(Debug)]
#[must_use = "an invitation does nothing until sent"]
pub struct Invite<'a> {
    client: &'a Client,
    username: String,
    roles: Vec<std::result::Result<InviteRole, (String, String)>>,
}

impl Invite<'_> {
    /// Adds role `user_role_id` of organization `organization_id`.
    pub fn role(mut self, organization_id: impl IntoGuid, user_role_id: impl IntoGuid) -> Self {
        let index = self.roles.len();
        let role = match (organization_id.into_guid(), user_role_id.into_guid()) {
            (Ok(organization_id), Ok(user_role_id)) => Ok(InviteRole {
                organization_id,
                user_role_id,
            }),
            (Err(reason), _) => Err((format!("roles[{index}].organizationId"), reason)),
            (_, Err(reason)) => Err((format!("roles[{index}].userRoleId"), reason)),
        };
        self.roles.push(role);
        self
    }

    /// Adds a role as listed by [`Roles`](crate::Roles); its own `organizationId` is
    /// used, or the handle's managed organization when the listing left it out.
    pub fn user_role(mut self, role: &UserRole) -> Self {
        if let Some(organization) = role
            .organization_id
            .or_else(|| self.client.target_organization())
        {
            return self.role(organization, role.user_role_id);
        }
        let index = self.roles.len();
        self.roles.push(Err((
            format!("roles[{index}].organizationId"),
            "the role does not say its organization and no managed organization is set".to_owned(),
        )));
        self
    }

    /// The request body, after the checks described on [`Invite`].
    fn body(&self) -> Result<InviteRequest> {
        validate::email("username", &self.username)?;
        if self.roles.is_empty() {
            return Err(Error::invalid_input(
                "roles",
                "at least one role is required",
            ));
        }
        let mut roles = Vec::with_capacity(self.roles.len());
        for role in &self.roles {
            match role {
                Ok(role) => roles.push(role.clone()),
                Err((field, reason)) => {
                    return Err(Error::invalid_input(field.clone(), reason.clone()));
                }
            }
        }
        let expected: Option<Uuid> = self.client.target_organization();
        let expected_org = expected.unwrap_or(roles[0].organization_id);
        for (index, role) in roles.iter().enumerate() {
            if role.organization_id != expected_org {
                let target = match expected {
                    Some(id) => format!("the managed organization {id}"),
                    None => format!("organization {expected_org} (named by roles[0])"),
                };
                return Err(Error::invalid_input(
                    format!("roles[{index}].organizationId"),
                    format!(
                        "role {} belongs to organization {}, but the invitation is sent to {target}; only that organization's roles can be used",
                        role.user_role_id, role.organization_id
                    ),
                ));
            }
        }
        Ok(InviteRequest {
            username: self.username.clone(),
            roles,
        })
    }

    /// Sends the invitation. Any 2xx is success, whatever the body (empty, `null`,
    /// `true`, an object or a string).
    pub async fn send(self) -> Result<Invitation> {
        let request = self.body()?;
        let organization_id = self.client.target_organization();
        let response = self.client.request(&INVITE)?.json(&request).send().await?;
        let raw = response.body();
        let body = if raw.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(
                serde_json::from_slice::<Value>(raw)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(raw).into_owned())),
            )
        };
        Ok(Invitation {
            username: request.username,
            organization_id: organization_id
                .or(request.roles.first().map(|role| role.organization_id)),
            body,
        })
    }
}

/// A sent invitation.
///
/// ThreatLocker documents no response body: the invited account appears in the portal
/// holding only the email address until the person accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    /// The invited email address.
    pub username: String,
    /// The organization the invitation was sent to, when known (the managed organization,
    /// or the organization of the roles).
    pub organization_id: Option<Uuid>,
    /// The response body as JSON, if there was one (a non-JSON body is kept as a string).
    pub body: Option<Value>,
}

impl Invitation {
    /// The new user's id, if the response body carried one as `userId`.
    ///
    /// **Unverified:** ThreatLocker documents no response body for this call, and no
    /// public source shows a real portal returning `userId`. Only this project's sandbox
    /// sends it (a labelled simulator choice, following the vendor reference's suggested
    /// simulator body). Against a real portal expect `None` and do not rely on it.
    pub fn user_id(&self) -> Option<Uuid> {
        self.body.as_ref()?.get("userId")?.as_str()?.parse().ok()
    }
}
