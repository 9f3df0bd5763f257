//! LogicMonitor: users, suspension, deletion and user groups.
//!
//! Last login follows the LogicMonitor client's decision: `lastLoginOn` 0 or absent is
//! "never" (counted as idle), API-only users are "unknown" (never judged idle, since
//! suspending one breaks an integration).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use futures_util::TryStreamExt;
use logicmonitor_client::{
    Admin, AdminGroup, AdminGroupId, AdminId, AdminStatus, Client, GroupRef, NewUser, RoleRef,
};

use crate::config::{ConfigError, Location, LogicMonitorCredentials, Vendor};
use crate::plan::Action;
use crate::policy::Signal;
use crate::portal::{Group, Listing, Operation, Portal, PortalError, Reply};
use crate::record::{ActivityFacts, LastLogin, UserRecord, UserStatus};
use crate::vendors::{copy, full_name};

/// A LogicMonitor account.
#[derive(Debug)]
pub struct LogicmonitorPortal {
    name: String,
    client: Client,
}

/// Builds the client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    credentials: &LogicMonitorCredentials,
) -> Result<LogicmonitorPortal, ConfigError> {
    let mut builder = Client::builder();
    builder = match location {
        Location::Named(account) => builder.account(account),
        Location::BaseUrl(url) => builder.base_url(url),
        Location::Default => builder,
    };
    let field = match credentials {
        LogicMonitorCredentials::Lmv1 {
            access_id,
            access_key,
        } => {
            use secrecy::ExposeSecret;
            builder = builder.lmv1(access_id.expose_secret(), copy(access_key));
            "access_key_env"
        }
        LogicMonitorCredentials::Bearer(token) => {
            builder = builder.bearer(copy(token));
            "bearer_token_env"
        }
    };
    let client = builder
        .build()
        .map_err(|error| ConfigError::client(portal, field, &error))?;
    Ok(LogicmonitorPortal {
        name: portal.to_owned(),
        client,
    })
}

impl Portal for LogicmonitorPortal {
    fn vendor(&self) -> Vendor {
        Vendor::Logicmonitor
    }

    fn listing_endpoints(&self) -> &'static [&'static str] {
        &["GET /setting/admin/groups", "GET /setting/admins"]
    }

    /// Everything: list, invite (create), suspend, delete and user groups.
    fn supports(&self, operation: Operation) -> bool {
        operation != Operation::ChildOrganizations
    }

    /// Every user, normalized with group names as each page arrives.
    fn list(&self) -> Reply<'_, Listing> {
        Box::pin(async move {
            let names: HashMap<_, _> = self
                .admin_groups()
                .await?
                .into_iter()
                .map(|group| (group.id, group.name.unwrap_or_default()))
                .collect();
            let (stream, short) = self
                .client
                .users()
                .list()
                .size(1000)
                // The pages LogicMonitor's total announces are fetched one ahead: it
                // prepares the next page while this one is normalized.
                .read_ahead(true)
                .stream_counted();
            let users = stream
                .map_ok(|user| record(&self.name, &names, &user))
                .try_collect()
                .await?;
            Ok(match short.shortfall() {
                Some(shortfall) => Listing::Partial {
                    users,
                    reported: shortfall.announced_items.unwrap_or(shortfall.returned),
                },
                None => Listing::Users(users),
            })
        })
    }

    fn groups(&self) -> Reply<'_, Vec<Group>> {
        Box::pin(async move {
            Ok(self
                .admin_groups()
                .await?
                .into_iter()
                .map(|group| Group {
                    id: group.id.to_string(),
                    name: group.name.unwrap_or_default(),
                    description: group.description.unwrap_or_default(),
                })
                .collect())
        })
    }

    fn act<'a>(&'a self, action: &'a Action, target: &'a str) -> Reply<'a, ()> {
        Box::pin(async move {
            let users = self.client.users();
            let groups = self.client.groups();
            match action {
                Action::Suspend => users.suspend(admin_id(target)?).await.map(drop)?,
                Action::Reactivate => users.reactivate(admin_id(target)?).await.map(drop)?,
                Action::Delete => users.delete(admin_id(target)?).await?,
                // The group becomes the user's only one, created when it does not exist.
                Action::MoveToGroup(group) => {
                    let (group, _) = groups.get_or_create(group, None).await?;
                    users
                        .move_to_groups(admin_id(target)?, [GroupRef::from(&group)])
                        .await
                        .map(drop)?;
                }
                // Back to the groups of these names; one that no longer exists is an error,
                // not a group made up anew.
                Action::RestoreGroups(names) => {
                    let existing = self.admin_groups().await?;
                    let refs = names
                        .iter()
                        .map(|name| {
                            existing
                                .iter()
                                .find(|group| group.name.as_deref() == Some(name.as_str()))
                                .map(GroupRef::from)
                                .ok_or_else(|| {
                                    PortalError::NotFound(format!(
                                        "group `{name}` no longer exists"
                                    ))
                                })
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    users
                        .move_to_groups(admin_id(target)?, refs)
                        .await
                        .map(drop)?;
                }
                Action::CreateGroup(name) => groups.create(name, None).await.map(drop)?,
                Action::DeleteGroup(name) => {
                    let group = groups
                        .find_by_name(name)
                        .await?
                        .ok_or_else(|| PortalError::NotFound(format!("no group named `{name}`")))?;
                    groups.delete(group.id).await?;
                }
                // A user with the role named `role`, the address as username.
                Action::Invite(role) => users
                    .create(NewUser::new(target).email(target).role(RoleRef::name(role)))
                    .await
                    .map(drop)?,
                other @ Action::InviteInto { .. } => return Err(self.refuse(other.operation())),
            }
            Ok(())
        })
    }
}

impl LogicmonitorPortal {
    /// Every user group, as the client returns it.
    async fn admin_groups(&self) -> Result<Vec<AdminGroup>, core_http::Error> {
        self.client.groups().list().stream().try_collect().await
    }
}

fn record(portal: &str, group_names: &HashMap<AdminGroupId, String>, user: &Admin) -> UserRecord {
    UserRecord {
        portal: portal.to_owned(),
        vendor: Vendor::Logicmonitor,
        tenant: None,
        id: user.id.to_string(),
        email: user
            .email
            .as_deref()
            .filter(|email| !email.trim().is_empty())
            .map(str::to_lowercase),
        name: full_name(user.first_name.as_deref(), user.last_name.as_deref())
            .or_else(|| user.username.clone()),
        status: match &user.status {
            Some(AdminStatus::Active) | None => UserStatus::Active,
            Some(AdminStatus::Suspended) => UserStatus::Suspended,
            Some(AdminStatus::Unknown(other)) => UserStatus::Other(other.clone()),
        },
        last_login: last_login(user),
        roles: user
            .roles
            .iter()
            .filter_map(|role| role.name.clone())
            .collect(),
        groups: user
            .admin_group_ids
            .iter()
            .filter_map(|id| group_names.get(id).cloned())
            .collect(),
        inactive: false,
        provisioned_by: user.created_by.clone(),
        activity: ActivityFacts {
            signals: signals(user),
            username: user.username.clone(),
            api_only: user.apionly == Some(true),
            created_at: None,
            suspended_since: None,
        },
    }
}

/// The activity signals LogicMonitor reported (epoch seconds, 0 for never); for an
/// API-only user also the newest `lastUsedOn` of its API tokens.
fn signals(user: &Admin) -> BTreeMap<Signal, Option<DateTime<Utc>>> {
    let at = |seconds: i64| {
        (seconds > 0)
            .then(|| DateTime::from_timestamp(seconds, 0))
            .flatten()
    };
    let mut signals: BTreeMap<_, _> = [
        (Signal::LastLoginOn, user.last_login_on),
        (Signal::LastActionOn, user.last_action_on),
        (Signal::LastAccessOn, user.last_access_on),
    ]
    .into_iter()
    .filter_map(|(signal, seconds)| Some((signal, at(seconds?))))
    .collect();
    if user.apionly == Some(true) {
        let newest = user
            .api_tokens
            .iter()
            .filter_map(|token| token.last_used_on)
            .max()
            .unwrap_or(0);
        signals.insert(Signal::ApiTokenLastUsedOn, at(newest));
    }
    signals
}

fn last_login(user: &Admin) -> LastLogin {
    if user.apionly == Some(true) {
        return LastLogin::Unknown;
    }
    match user.last_login_on {
        Some(seconds) if seconds > 0 => {
            chrono::DateTime::from_timestamp(seconds, 0).map_or(LastLogin::Unknown, LastLogin::At)
        }
        _ => LastLogin::Never,
    }
}

fn admin_id(id: &str) -> Result<AdminId, core_http::Error> {
    id.parse::<i32>().map(AdminId::from).map_err(|_| {
        core_http::Error::invalid_input("id", format!("`{id}` is not a LogicMonitor user id"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_sandbox::logicmonitor::LogicMonitorSim;

    #[tokio::test]
    async fn group_actions_change_what_is_listed() {
        let lm = LogicMonitorSim::builder().seed(5).users(5).build();
        let server = lm.serve().await.unwrap();
        let location = Location::BaseUrl(server.url("/santaba/rest"));
        let credentials = LogicMonitorCredentials::Lmv1 {
            access_id: lm.access_id().into(),
            access_key: lm.access_key().into(),
        };
        let portal = connect("lm", &location, &credentials).unwrap();
        let Listing::Users(users) = portal.list().await.unwrap() else {
            panic!("LogicMonitor lists users");
        };
        assert_eq!(users.len(), lm.user_count());
        let user = &users[0];

        portal
            .act(&Action::MoveToGroup("Night Shift".into()), &user.id)
            .await
            .unwrap();
        let groups = portal.groups().await.unwrap();
        let night_shift = groups
            .iter()
            .find(|group| group.name == "Night Shift")
            .expect("the group was created for the move");
        assert_eq!(
            lm.user_group_ids(user.id.parse().unwrap()).unwrap(),
            [night_shift.id.parse::<i32>().unwrap()]
        );

        portal
            .act(&Action::DeleteGroup("Night Shift".into()), "Night Shift")
            .await
            .unwrap();
        let missing = portal
            .act(&Action::DeleteGroup("Night Shift".into()), "Night Shift")
            .await
            .unwrap_err();
        assert_eq!(missing.to_string(), "no group named `Night Shift`");
        let malformed = portal.act(&Action::Suspend, "jane").await.unwrap_err();
        assert!(
            matches!(&malformed, PortalError::Client(core_http::Error::InvalidInput { field, .. }) if field == "id"),
            "{malformed:?}"
        );
        server.shutdown().await;
    }
}
