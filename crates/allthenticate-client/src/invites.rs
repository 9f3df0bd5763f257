//! The Invites endpoints: how users get added.

use core_http::{Error, Method, Operation, Result};

use crate::client::Client;
use crate::generated::{Invite, InviteGroup, InviteResult, SmartCard};
use crate::params::Params;
use crate::types::Ack;
use crate::validate;

static LIST: Operation = Operation::get("invites.list", "/invites");
static RESEND: Operation = Operation::post("invites.resend", "/invites");
static INVITE_PUT: Operation = Operation::put("invites.invite", "/invites").with_idempotent(false);
static INVITE_POST: Operation = Operation::post("invites.invite", "/invites");

/// The Invites endpoints; see [`Client::invites`].
#[derive(Debug, Clone, Copy)]
pub struct Invites<'a> {
    client: &'a Client,
}

impl<'a> Invites<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `GET /invites`: the pending invites.
    pub async fn list(&self) -> Result<Vec<Invite>> {
        self.client.send(&LIST, Params::new()).await?.json()
    }

    /// `POST /invites`: resends a pending invite's email.
    pub async fn resend(&self, email: &str) -> Result<Ack> {
        let email = validate::email("email", email)?;
        let response = self
            .client
            .send(&RESEND, Params::new().text("email", email))
            .await?;
        Ok(Ack::from_response(&response))
    }

    /// `PUT /invites` (verb configurable, see
    /// [`ClientBuilder::invite_method`](crate::ClientBuilder::invite_method)): adds existing
    /// Allthenticate accounts to the organization and invites the other addresses.
    /// To cancel a pending invite, use [`Users::delete`](crate::Users::delete) with its email.
    pub fn invite<I, S>(&self, emails: I) -> InviteUsers<'a>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        InviteUsers {
            client: self.client,
            emails: emails.into_iter().map(Into::into).collect(),
            smart_cards: Vec::new(),
            groups: Vec::new(),
            no_email: None,
        }
    }
}

/// `PUT /invites`; see [`Invites::invite`].
#[derive(Debug, Clone)]
#[must_use = "does nothing until sent"]
pub struct InviteUsers<'a> {
    client: &'a Client,
    emails: Vec<String>,
    smart_cards: Vec<Vec<SmartCard>>,
    groups: Vec<InviteGroup>,
    no_email: Option<bool>,
}

impl InviteUsers<'_> {
    /// Smart cards per invited address, matched to the emails by position.
    pub fn smart_cards(mut self, cards: Vec<Vec<SmartCard>>) -> Self {
        self.smart_cards = cards;
        self
    }

    /// Groups every invited user joins.
    pub fn groups(mut self, groups: Vec<InviteGroup>) -> Self {
        self.groups = groups;
        self
    }

    /// `no_email=true` suppresses the invitation emails.
    pub fn no_email(mut self, no_email: bool) -> Self {
        self.no_email = Some(no_email);
        self
    }

    /// Validates (non-empty list of valid emails, digits-only card numbers, no more card
    /// lists than emails), then sends.
    ///
    /// The vendor documents only the response's key names; the value types of
    /// [`InviteResult`] are inferred (email lists, integer ids, a boolean).
    pub async fn send(self) -> Result<InviteResult> {
        if self.emails.is_empty() {
            return Err(Error::invalid_input("emails", "must not be empty"));
        }
        let emails = self
            .emails
            .iter()
            .map(|email| validate::email("emails", email))
            .collect::<Result<Vec<_>>>()?;
        if self.smart_cards.len() > emails.len() {
            return Err(Error::invalid_input(
                "smartcards",
                "more smart card lists than emails (they are matched by position)",
            ));
        }
        for card in self.smart_cards.iter().flatten() {
            validate::card_number("smartcards.number", &card.number)?;
        }
        for group in &self.groups {
            if group.name.trim().is_empty() {
                return Err(Error::invalid_input("groups.name", "must not be empty"));
            }
        }
        let mut params = Params::new().array("emails", &emails);
        if !self.smart_cards.is_empty() {
            let lists: Vec<_> = self
                .smart_cards
                .iter()
                .map(|cards| crate::users::cards_out(cards))
                .collect();
            params = params.array("smartcards", &lists);
        }
        if !self.groups.is_empty() {
            params = params.array("groups", &self.groups);
        }
        if let Some(flag) = self.no_email {
            params = params.bool("no_email", flag);
        }
        let operation = if self.client.invite_method == Method::POST {
            &INVITE_POST
        } else {
            &INVITE_PUT
        };
        self.client.send(operation, params).await?.json()
    }
}
