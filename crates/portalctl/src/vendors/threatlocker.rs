//! ThreatLocker: no user listing in the public API; invitations, alone or fanned out over
//! every child organization with the role resolved by name in each.

use futures_util::TryStreamExt;
use threatlocker_client::{Client, InviteOutcome, Uuid};

use crate::config::{ConfigError, Location, Vendor};
use crate::plan::{Action, Step};
use crate::portal::{Listing, Operation, Outcomes, Portal, PortalError, Reply, one_by_one};
use crate::vendors::copy;

/// How many child organizations are invited into at once.
const FAN_OUT_CONCURRENCY: usize = 8;

/// A ThreatLocker organization (the token's own, or a managed one).
#[derive(Debug)]
pub struct ThreatlockerPortal {
    client: Client,
}

/// Builds the client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    token: &secrecy::SecretString,
    organization_id: Option<&str>,
) -> Result<ThreatlockerPortal, ConfigError> {
    let mut builder = Client::builder().token(copy(token));
    builder = match location {
        Location::Named(instance) => builder.instance(instance),
        Location::BaseUrl(url) => builder.base_url(url),
        Location::Default => builder,
    };
    if let Some(id) = organization_id {
        builder = builder.managed_organization(id);
    }
    let client = builder
        .build()
        .map_err(|error| ConfigError::client(portal, "token_env", &error))?;
    Ok(ThreatlockerPortal { client })
}

impl Portal for ThreatlockerPortal {
    fn vendor(&self) -> Vendor {
        Vendor::Threatlocker
    }

    fn listing_endpoints(&self) -> &'static [&'static str] {
        &["POST /portalapi/Organization/OrganizationGetChildOrganizationsByParameters"]
    }

    /// Invitations only, into the organization or each child organization: the public
    /// API documents no user listing, suspension, deletion or user groups.
    fn supports(&self, operation: Operation) -> bool {
        matches!(operation, Operation::Invite | Operation::ChildOrganizations)
    }

    /// No users, but how many child organizations hold people out of sight, so an audit
    /// shows the size of what must be checked by hand. The walk over the organization
    /// tree also proves the token works.
    fn list(&self) -> Reply<'_, Listing> {
        Box::pin(async move {
            Ok(Listing::Unlisted {
                child_organizations: self.child_organizations().await?,
            })
        })
    }

    /// A harmless read: the time zones.
    fn check(&self) -> Reply<'_, String> {
        Box::pin(async move {
            let zones = self.client.users().timezones().await?;
            Ok(format!("token accepted ({} timezones)", zones.len()))
        })
    }

    fn child_organizations(&self) -> Reply<'_, Vec<Uuid>> {
        Box::pin(async move {
            let children = self
                .client
                .organizations()
                .children()
                .stream()
                .map_ok(|organization| organization.organization_id)
                .try_collect()
                .await?;
            Ok(children)
        })
    }

    fn act<'a>(&'a self, action: &'a Action, target: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            match action {
                Action::Invite(role) => self.invite(target, role).await,
                Action::InviteInto { role, organization } => self
                    .invite_across(target, role, vec![*organization])
                    .await?
                    .pop()
                    .unwrap_or_else(|| {
                        Err(PortalError::NotFound(format!(
                            "no invitation result for organization {organization}"
                        )))
                    }),
                other => Err(self.refuse(other.operation())),
            }
        })
    }

    /// Invitations of one address with one role into several child organizations go out
    /// as one concurrent fan-out; anything else one step after another.
    fn act_together<'a>(&'a self, steps: &'a [Step]) -> Reply<'a, Outcomes> {
        Box::pin(async move {
            if let Some((email, role, organizations)) = fan_out(steps) {
                return self.invite_across(email, role, organizations).await;
            }
            Ok(one_by_one(self, steps).await)
        })
    }
}

impl ThreatlockerPortal {
    /// Invites `email` into the client's organization with the role named `role`.
    async fn invite(&self, email: &str, role: &str) -> Result<(), PortalError> {
        let found = self
            .client
            .roles()
            .find_by_name(role)
            .await?
            .ok_or_else(|| role_not_found(role))?;
        self.client
            .users()
            .invite(email)
            .user_role(&found)
            .send()
            .await?;
        Ok(())
    }

    /// Invites `email` into each organization with the role named `role` there; one
    /// outcome per organization, in order.
    async fn invite_across(
        &self,
        email: &str,
        role: &str,
        organizations: Vec<Uuid>,
    ) -> Result<Outcomes, PortalError> {
        let report = self
            .client
            .invite_across(email, role)
            .organizations(organizations)
            .concurrency(FAN_OUT_CONCURRENCY)
            .send()
            .await?;
        Ok(report
            .results
            .into_iter()
            .map(|result| match result.outcome {
                InviteOutcome::Invited { .. } => Ok(()),
                InviteOutcome::RoleNotFound { .. } => Err(role_not_found(role)),
                InviteOutcome::Failed(error) => Err(PortalError::Client(error)),
            })
            .collect())
    }
}

/// The address, role and organizations when every step invites the same address with the
/// same role into a child organization.
fn fan_out(steps: &[Step]) -> Option<(&str, &str, Vec<Uuid>)> {
    let first = steps.first()?;
    let Action::InviteInto { role, .. } = &first.action else {
        return None;
    };
    steps
        .iter()
        .map(|step| match &step.action {
            Action::InviteInto {
                role: other,
                organization,
            } if other == role && step.target == first.target => Some(*organization),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|organizations| (first.target.as_str(), role.as_str(), organizations))
}

fn role_not_found(role: &str) -> PortalError {
    PortalError::NotFound(format!("no role named `{role}` in this organization"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_sandbox::threatlocker::{DEFAULT_ROLE_NAMES, ThreatLockerSim};

    const EMAIL: &str = "new.tech@msp.example";

    fn invite_into(organization: Uuid) -> Step {
        Step {
            portal: "tl".into(),
            user: EMAIL.into(),
            target: EMAIL.into(),
            action: Action::InviteInto {
                role: "Technician".into(),
                organization,
            },
            why: String::new(),
            undo: None,
        }
    }

    #[tokio::test]
    async fn invitations_fan_out_one_outcome_per_step() {
        let tl = ThreatLockerSim::builder()
            .seed(5)
            .children(3)
            .role_names(DEFAULT_ROLE_NAMES.iter().copied().chain(["Technician"]))
            .children_lacking_role("Technician", 1)
            .build();
        let server = tl.serve().await.unwrap();
        let location = Location::BaseUrl(server.base_url().to_owned());
        let portal = connect("tl", &location, &tl.token().into(), None).unwrap();

        let mut children = portal.child_organizations().await.unwrap();
        children.sort();
        let mut expected = tl.child_ids();
        expected.sort();
        assert_eq!(children, expected);
        let Listing::Unlisted {
            child_organizations: mut listed,
        } = portal.list().await.unwrap()
        else {
            panic!("ThreatLocker lists no users");
        };
        listed.sort();
        assert_eq!(listed, expected);

        let steps: Vec<Step> = children.iter().copied().map(invite_into).collect();
        let outcomes = portal.act_together(&steps).await.unwrap();
        assert_eq!(outcomes.len(), steps.len());
        let lacking = tl.children_lacking("Technician")[0];
        for (child, outcome) in children.iter().zip(&outcomes) {
            let pending = tl.pending_users(*child);
            if *child == lacking {
                assert_eq!(
                    outcome.as_ref().unwrap_err().to_string(),
                    "no role named `Technician` in this organization"
                );
                assert!(pending.is_empty());
            } else {
                assert!(outcome.is_ok(), "{outcome:?}");
                assert!(pending.iter().any(|user| user.username == EMAIL));
            }
        }

        let unknown = portal
            .act(&Action::Invite("Nope".into()), EMAIL)
            .await
            .unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "no role named `Nope` in this organization"
        );
        let refused = portal.act(&Action::Suspend, "1").await.unwrap_err();
        assert_eq!(
            refused.to_string(),
            "threatlocker's API does not offer suspend"
        );
        server.shutdown().await;
    }
}
