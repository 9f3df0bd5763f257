//! The organization's state and the documented effects of each endpoint.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use crate::people::People;
use crate::time::{SPACED_SECONDS, format_utc};

/// A member of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Member {
    /// Account id (used by `/modifyrank`); differs from `email_id`.
    pub user_id: u64,
    /// The key of most endpoints.
    pub email_id: u64,
    /// The undocumented `unique_id`.
    pub unique_id: u64,
    /// Email address.
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Allthenticate username.
    pub username: String,
    /// `USER` or `GUEST`.
    pub tag: String,
    /// `REGULAR`, `ADMIN` or `SUPER`.
    pub rank: String,
    /// `CONFIRMED` or `PENDING`.
    pub email_status: String,
    /// Whether suspended.
    pub suspended: bool,
    /// `YYYY-MM-DD HH:MM:SS` timestamps; `None` before onboarding.
    pub created: Option<String>,
    /// When the email was confirmed.
    pub confirmed: Option<String>,
    /// When the account became active.
    pub active_date: Option<String>,
    /// When the authentication device was added.
    pub device_added: Option<String>,
    /// Workstation login names.
    pub computer_usernames: Vec<String>,
    /// Smart cards and PINs.
    pub smartcards: Vec<SmartCard>,
    /// Group names.
    pub groups: Vec<String>,
}

/// A smart card or PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SmartCard {
    /// Digits.
    pub number: String,
    /// Label (`""` when none was given).
    pub label: String,
}

/// A policy and the `email_id`s assigned to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Policy name.
    pub name: String,
    /// Members assigned.
    pub members: Vec<u64>,
}

/// A user group.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Group {
    /// Group id.
    pub id: u64,
    /// Group name.
    pub name: String,
}

/// A pending invite.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PendingInvite {
    /// Invited address.
    pub email: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub added_date: String,
    /// How many times it was resent.
    pub resent: u32,
}

/// An Allthenticate account that is not a member of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Account {
    /// Account id.
    pub user_id: u64,
    /// Email address.
    pub email: String,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Allthenticate username.
    pub username: String,
}

/// Everything the simulator holds.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) members: BTreeMap<u64, Member>,
    pub(crate) policies: Vec<Policy>,
    pub(crate) groups: Vec<Group>,
    pub(crate) invites: Vec<PendingInvite>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) sent_emails: Vec<String>,
    pub(crate) next_user_id: u64,
    pub(crate) next_email_id: u64,
    pub(crate) next_unique_id: u64,
}

const GROUPS: [&str; 4] = ["Employees", "Engineering", "Front Office", "Contractors"];
const DAY: u64 = 24 * 60 * 60;

impl State {
    pub(crate) fn generate(
        seed: u64,
        now: SystemTime,
        users: usize,
        guests: usize,
        outside: usize,
        invites: usize,
    ) -> Self {
        let mut state = Self {
            members: BTreeMap::new(),
            policies: vec![
                Policy {
                    name: "Front Door Policy".into(),
                    members: Vec::new(),
                },
                Policy {
                    name: "Lab Policy".into(),
                    members: Vec::new(),
                },
            ],
            groups: GROUPS
                .iter()
                .zip(1..)
                .map(|(name, id)| Group {
                    id,
                    name: (*name).to_owned(),
                })
                .collect(),
            invites: Vec::new(),
            accounts: Vec::new(),
            sent_emails: Vec::new(),
            // Different starting points, so an email_id used as a user_id finds nobody
            // (or somebody else).
            next_user_id: 501,
            next_email_id: 1201,
            next_unique_id: 90_001,
        };
        let people = People::new(seed, now);
        let mut people = people.iter(users + guests + outside + invites);
        for i in 0..users + guests {
            let Some(person) = people.next() else { break };
            state.seed_member(i, &person, i >= users, now);
        }
        for _ in 0..outside {
            let Some(person) = people.next() else { break };
            state.accounts.push(Account {
                user_id: state.next_user_id,
                email: person.email.clone(),
                first_name: person.first_name.to_owned(),
                last_name: person.last_name.to_owned(),
                username: person.username.clone(),
            });
            state.next_user_id += 1;
        }
        for day in 0..invites {
            let Some(person) = people.next() else { break };
            state.invites.push(PendingInvite {
                email: person.email.clone(),
                added_date: format_utc(
                    now - Duration::from_secs(DAY * (day as u64 + 1)),
                    SPACED_SECONDS,
                ),
                resent: 0,
            });
        }
        state
    }

    /// Adds generated member number `i`, with groups, policies, usernames and cards.
    fn seed_member(
        &mut self,
        i: usize,
        person: &crate::people::Person,
        guest: bool,
        now: SystemTime,
    ) {
        let onboarded = person.last_login.is_some();
        let joined = now - Duration::from_secs(DAY * (400 + (i as u64 * 37) % 300));
        let active = person.last_login.unwrap_or(joined);
        let email_id = self.next_email_id;
        let mut groups = Vec::new();
        if !guest {
            groups.push(GROUPS[0].to_owned());
            if i.is_multiple_of(3) {
                groups.push(GROUPS[1].to_owned());
            }
            if i.is_multiple_of(5) {
                groups.push(GROUPS[2].to_owned());
            }
        }
        let mut computer_usernames = Vec::new();
        if !guest {
            computer_usernames.push(person.username.clone());
            if i.is_multiple_of(6) {
                computer_usernames.push(format!("{}-admin", person.username));
            }
        }
        let smartcards = if i % 3 == 1 {
            vec![SmartCard {
                number: format!("{}", 100_000 + i * 7),
                label: "Badge".into(),
            }]
        } else {
            Vec::new()
        };
        let member = Member {
            user_id: self.next_user_id,
            email_id,
            unique_id: self.next_unique_id,
            email: person.email.clone(),
            first_name: person.first_name.to_owned(),
            last_name: person.last_name.to_owned(),
            username: person.username.clone(),
            tag: if guest { "GUEST" } else { "USER" }.to_owned(),
            rank: match i {
                0 => "SUPER",
                _ if i % 10 == 1 && !guest => "ADMIN",
                _ => "REGULAR",
            }
            .to_owned(),
            email_status: if onboarded { "CONFIRMED" } else { "PENDING" }.to_owned(),
            suspended: false,
            created: Some(format_utc(joined, SPACED_SECONDS)),
            confirmed: onboarded
                .then(|| format_utc(joined + Duration::from_secs(11), SPACED_SECONDS)),
            active_date: onboarded.then(|| format_utc(active, SPACED_SECONDS)),
            device_added: onboarded
                .then(|| format_utc(joined + Duration::from_secs(29), SPACED_SECONDS)),
            computer_usernames,
            smartcards,
            groups,
        };
        self.next_user_id += 1;
        self.next_email_id += 1;
        self.next_unique_id += 1;
        if !guest {
            self.policies[0].members.push(email_id);
            if i.is_multiple_of(3) {
                self.policies[1].members.push(email_id);
            }
            if i % 4 == 2 {
                self.policies.push(Policy {
                    name: format!("Desk Policy {}", member.username),
                    members: vec![email_id],
                });
            }
        }
        self.members.insert(email_id, member);
    }

    pub(crate) fn member_by_email(&self, email: &str) -> Option<&Member> {
        let email = email.trim();
        self.members
            .values()
            .find(|member| member.email.eq_ignore_ascii_case(email))
    }

    pub(crate) fn policies_of(&self, email_id: u64) -> Vec<String> {
        self.policies
            .iter()
            .filter(|policy| policy.members.contains(&email_id))
            .map(|policy| policy.name.clone())
            .collect()
    }

    /// Removes a member: out of every group and policy; sole-member policies deleted; the
    /// account stays in Allthenticate.
    pub(crate) fn remove_member(&mut self, email_id: u64) -> Option<Member> {
        let member = self.members.remove(&email_id)?;
        for policy in &mut self.policies {
            policy.members.retain(|id| *id != email_id);
        }
        self.policies.retain(|policy| !policy.members.is_empty());
        self.accounts.push(Account {
            user_id: member.user_id,
            email: member.email.clone(),
            first_name: member.first_name.clone(),
            last_name: member.last_name.clone(),
            username: member.username.clone(),
        });
        Some(member)
    }

    /// Makes an outside account a member; returns its new `email_id`.
    pub(crate) fn admit(&mut self, account: Account, now: SystemTime) -> u64 {
        let email_id = self.next_email_id;
        self.next_email_id += 1;
        let unique_id = self.next_unique_id;
        self.next_unique_id += 1;
        let stamp = format_utc(now, SPACED_SECONDS);
        self.members.insert(
            email_id,
            Member {
                user_id: account.user_id,
                email_id,
                unique_id,
                email: account.email,
                first_name: account.first_name,
                last_name: account.last_name,
                username: account.username,
                tag: "USER".into(),
                rank: "REGULAR".into(),
                email_status: "CONFIRMED".into(),
                suspended: false,
                created: Some(stamp.clone()),
                confirmed: Some(stamp.clone()),
                active_date: Some(stamp.clone()),
                device_added: Some(stamp),
                computer_usernames: Vec::new(),
                smartcards: Vec::new(),
                groups: Vec::new(),
            },
        );
        email_id
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn generated_ids_differ_and_sole_policies_go_with_their_member() {
        let mut state = State::generate(
            1,
            UNIX_EPOCH + Duration::from_secs(1_767_225_600),
            8,
            2,
            1,
            1,
        );
        assert_eq!(state.members.len(), 10);
        assert!(state.members.values().all(|m| m.user_id != m.email_id));
        let desk = state
            .policies
            .iter()
            .find(|p| p.name.starts_with("Desk Policy"))
            .cloned()
            .unwrap();
        let owner = desk.members[0];
        state.remove_member(owner);
        assert!(!state.policies.iter().any(|p| p.name == desk.name));
        assert!(!state.policies[0].members.contains(&owner));
        assert_eq!(state.accounts.len(), 2);
    }
}
