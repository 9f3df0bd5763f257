//! The Users endpoints.

use core_http::{Error, Operation, Result};

use crate::client::Client;
use crate::generated::{ComputerUsernameEntry, SmartCard, SmartCardList, User, UserDetail};
use crate::ids::{EmailId, UserId};
use crate::paging::ListUsers;
use crate::params::Params;
use crate::types::Ack;
use crate::types::{AdStatus, Rank, UserTag};
use crate::validate;

static GET: Operation = Operation::get("users.get", "/user");
static DELETE: Operation = Operation::delete("users.delete", "/user");
// Replace-all writes: sending the same list twice has the same effect as once.
static SET_USERNAMES: Operation =
    Operation::post("users.set_computer_usernames", "/modifyallusernames").with_idempotent(true);
static SET_RANK: Operation = Operation::post("users.set_rank", "/modifyrank").with_idempotent(true);
static GET_CARDS: Operation = Operation::get("users.smart_cards", "/modifysmartcard");
static SET_CARDS: Operation =
    Operation::post("users.set_smart_cards", "/modifysmartcard").with_idempotent(true);
static PROMOTE: Operation = Operation::post("users.promote_guest", "/promoteguest");
static TOGGLE: Operation = Operation::post("users.toggle_suspension", "/togglesuspension");

/// The Users endpoints; see [`Client::users`].
#[derive(Debug, Clone, Copy)]
pub struct Users<'a> {
    client: &'a Client,
}

/// What [`Users::suspend`] / [`Users::unsuspend`] did (when they stop instead, they
/// return a [`SuspensionError`](crate::SuspensionError)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SuspensionChange {
    /// The state differed, so `/togglesuspension` was sent once, and reading back showed
    /// the requested state.
    Toggled(Ack),
    /// The user was already in the requested state; nothing was sent after the read.
    AlreadySo,
}

impl<'a> Users<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    pub(crate) fn client(self) -> &'a Client {
        self.client
    }

    /// `GET /multipleusers`: the whole list in one response (no paging, no server-side
    /// filter).
    pub fn list(&self) -> ListUsers<'a> {
        ListUsers::new(self.client)
    }

    /// Finds a member by email, case-insensitively.
    ///
    /// The API has no server-side filter, so this lists the regular members, and then the
    /// guests if needed, and searches on the client: up to two full listings.
    pub async fn find_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = validate::email("email", email)?;
        self.find(|user| {
            user.email
                .as_deref()
                .is_some_and(|e| e.trim().eq_ignore_ascii_case(&email))
        })
        .await
    }

    /// Finds a member by `email_id` in the listings (regular members, then guests).
    pub async fn find_by_email_id(&self, id: EmailId) -> Result<Option<User>> {
        let id = id.check("email_id")?;
        self.find(|user| user.email_id == id).await
    }

    /// The listings that together show every member: regular members, then guests.
    pub(crate) fn listings(self) -> [ListUsers<'a>; 2] {
        [self.list(), self.list().tag(UserTag::Guest)]
    }

    async fn find(&self, matches: impl Fn(&User) -> bool) -> Result<Option<User>> {
        for list in self.listings() {
            if let Some(user) = list.send().await?.into_iter().find(|user| matches(user)) {
                return Ok(Some(user));
            }
        }
        Ok(None)
    }

    /// `GET /user`: the member's policies, computer usernames and smart cards.
    pub async fn get(&self, id: EmailId) -> Result<UserDetail> {
        let id = id.check("email_id")?;
        self.client
            .send(&GET, Params::new().int("email_id", id.get()))
            .await?
            .json()
    }

    /// `DELETE /user`: removes a member from the organization (not from Allthenticate),
    /// drops them from every group and deletes policies assigned only to them. Also
    /// cancels a pending invite when given its email.
    pub fn delete(&self) -> DeleteUser<'a> {
        DeleteUser {
            client: self.client,
            email_id: None,
            email: None,
        }
    }

    /// The member's workstation login names (read through `GET /user`).
    pub async fn computer_usernames(&self, id: EmailId) -> Result<Vec<String>> {
        Ok(self.get(id).await?.computer_usernames)
    }

    /// `POST /modifyallusernames`: **replaces** the member's workstation login names with
    /// `names` (an empty list removes them all). Duplicates are dropped, order kept.
    pub async fn set_computer_usernames<I, S>(&self, id: EmailId, names: I) -> Result<Ack>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let id = id.check("email_id")?;
        let names = checked_usernames(names)?;
        self.write_usernames(id, &names).await
    }

    /// Adds `names` to the member's workstation login names, keeping the existing ones:
    /// reads them, merges, and writes the whole list back (read-then-write, not atomic).
    pub async fn add_computer_usernames<I, S>(&self, id: EmailId, names: I) -> Result<Ack>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let id = id.check("email_id")?;
        let added = non_empty(checked_usernames(names)?, "computer_usernames")?;
        let mut current = self.computer_usernames(id).await?;
        for name in added {
            if !current.contains(&name) {
                current.push(name);
            }
        }
        self.write_usernames(id, &current).await
    }

    /// Removes `names` from the member's workstation login names, keeping the others
    /// (read-then-write, not atomic).
    pub async fn remove_computer_usernames<I, S>(&self, id: EmailId, names: I) -> Result<Ack>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let id = id.check("email_id")?;
        let removed = non_empty(checked_usernames(names)?, "computer_usernames")?;
        let mut current = self.computer_usernames(id).await?;
        current.retain(|name| !removed.contains(name));
        self.write_usernames(id, &current).await
    }

    async fn write_usernames(&self, id: EmailId, names: &[String]) -> Result<Ack> {
        let entries: Vec<ComputerUsernameEntry> = names
            .iter()
            .map(|name| ComputerUsernameEntry {
                computer_username: name.clone(),
            })
            .collect();
        let params = Params::new()
            .int("email_id", id.get())
            .array("computer_usernames", &entries);
        let response = self.client.send(&SET_USERNAMES, params).await?;
        Ok(Ack::from_response(&response))
    }

    /// `POST /modifyrank`: sets the admin rank of the account `user_id` (sent as
    /// `admin_user_id`, which despite its name is the target's `user_id`, not an
    /// `email_id`). An [`Rank::Unknown`] value is refused before sending.
    pub async fn set_rank(&self, user_id: UserId, rank: Rank) -> Result<Ack> {
        let user_id = user_id.check("admin_user_id")?;
        if !rank.is_known() {
            return Err(Error::invalid_input(
                "rank",
                format!("`{rank}` is not one of REGULAR, ADMIN, SUPER"),
            ));
        }
        let params = Params::new()
            .int("admin_user_id", user_id.get())
            .text("rank", rank.as_str());
        let response = self.client.send(&SET_RANK, params).await?;
        Ok(Ack::from_response(&response))
    }

    /// `GET /modifysmartcard`: the member's smart cards and PINs.
    pub async fn smart_cards(&self, id: EmailId) -> Result<Vec<SmartCard>> {
        let id = id.check("email_id")?;
        let list: SmartCardList = self
            .client
            .send(&GET_CARDS, Params::new().int("email_id", id.get()))
            .await?
            .json()?;
        Ok(list.smartcards)
    }

    /// `POST /modifysmartcard`: **replaces** the member's smart cards with `cards` (an
    /// empty list removes them all).
    pub fn set_smart_cards(
        &self,
        id: EmailId,
        cards: impl IntoIterator<Item = SmartCard>,
    ) -> WriteSmartCards<'a> {
        self.write_cards(id, cards, CardMode::Set)
    }

    /// Adds `cards`, keeping the existing ones: reads, merges and writes the whole list
    /// back (read-then-write, not atomic). A card whose number the member already holds
    /// is skipped unless duplicates are allowed. The server checks the whole list it is
    /// sent, so if the member already holds a card that was only accepted with
    /// `allow_duplicates`, the add needs `allow_duplicates(true)` too.
    pub fn add_smart_cards(
        &self,
        id: EmailId,
        cards: impl IntoIterator<Item = SmartCard>,
    ) -> WriteSmartCards<'a> {
        self.write_cards(id, cards, CardMode::Add)
    }

    fn write_cards(
        self,
        id: EmailId,
        cards: impl IntoIterator<Item = SmartCard>,
        mode: CardMode,
    ) -> WriteSmartCards<'a> {
        WriteSmartCards {
            client: self.client,
            id,
            cards: cards.into_iter().collect(),
            mode,
            allow_duplicates: None,
        }
    }

    /// Removes the cards with these numbers, keeping the others (read-then-write, not
    /// atomic).
    ///
    /// The remaining cards are written back with `allow_duplicates=true`: nothing new is
    /// added, and a card kept earlier under `allow_duplicates` must not make the removal
    /// fail.
    pub async fn remove_smart_cards<I, S>(&self, id: EmailId, numbers: I) -> Result<Ack>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let id = id.check("email_id")?;
        let numbers: Vec<String> = numbers.into_iter().map(Into::into).collect();
        let numbers = non_empty(numbers, "numbers")?;
        for number in &numbers {
            validate::card_number("numbers", number)?;
        }
        let mut cards = self.smart_cards(id).await?;
        cards.retain(|card| !numbers.contains(&card.number));
        let response = self
            .client
            .send(&SET_CARDS, card_params(id, &cards, Some(true)))
            .await?;
        Ok(Ack::from_response(&response))
    }

    /// `POST /promoteguest`: changes a member's tag from `GUEST` to `USER`.
    ///
    /// The vendor names the parameter `email_id` but describes it as "user_id of the user
    /// that should be promoted". This crate follows the wire name, as every other Users
    /// endpoint is keyed by `email_id`: it takes an [`EmailId`].
    pub async fn promote_guest(&self, id: EmailId) -> Result<Ack> {
        let id = id.check("email_id")?;
        let response = self
            .client
            .send(&PROMOTE, Params::new().int("email_id", id.get()))
            .await?;
        Ok(Ack::from_response(&response))
    }

    /// `POST /togglesuspension`: flips the member's suspension. Any 2xx is success,
    /// including an empty body (the vendor documents none). Not idempotent: never retried
    /// unless the server certainly did not act.
    pub async fn toggle_suspension(&self, id: EmailId) -> Result<Ack> {
        let id = id.check("email_id")?;
        let response = self
            .client
            .send(&TOGGLE, Params::new().int("email_id", id.get()))
            .await?;
        Ok(Ack::from_response(&response))
    }
}

fn checked_usernames<I, S>(names: I) -> Result<Vec<String>>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let name = name.into();
        validate::computer_username("computer_usernames", &name)?;
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

fn non_empty<T>(items: Vec<T>, field: &str) -> Result<Vec<T>> {
    if items.is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(items)
    }
}

/// A card as sent: `number` first, `label` only when set (the vendor's example order).
#[derive(serde::Serialize)]
pub(crate) struct CardOut<'a> {
    number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

impl<'a> From<&'a SmartCard> for CardOut<'a> {
    fn from(card: &'a SmartCard) -> Self {
        Self {
            number: &card.number,
            label: card.label.as_deref(),
        }
    }
}

pub(crate) fn cards_out(cards: &[SmartCard]) -> Vec<CardOut<'_>> {
    cards.iter().map(CardOut::from).collect()
}

fn card_params(id: EmailId, cards: &[SmartCard], allow_duplicates: Option<bool>) -> Params {
    let params = Params::new()
        .int("email_id", id.get())
        .array("smartcards", &cards_out(cards));
    match allow_duplicates {
        Some(flag) => params.bool("allow_duplicates", flag),
        None => params,
    }
}

/// `DELETE /user`; see [`Users::delete`].
#[derive(Debug, Clone)]
#[must_use = "does nothing until sent"]
pub struct DeleteUser<'a> {
    client: &'a Client,
    email_id: Option<EmailId>,
    email: Option<String>,
}

impl DeleteUser<'_> {
    /// Deletes the member with this `email_id` (takes precedence over
    /// [`email`](Self::email) on the server when both are given).
    pub fn email_id(mut self, id: EmailId) -> Self {
        self.email_id = Some(id);
        self
    }

    /// Deletes the member (or cancels the pending invite) with this email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sends the request. At least one of `email_id` and `email` is needed.
    pub async fn send(self) -> Result<Ack> {
        let mut params = Params::new();
        if let Some(id) = self.email_id {
            params = params.int("email_id", id.check("email_id")?.get());
        }
        if let Some(email) = &self.email {
            params = params.text("email", validate::email("email", email)?);
        }
        if self.email_id.is_none() && self.email.is_none() {
            return Err(Error::invalid_input(
                "email_id",
                "give an email_id or an email",
            ));
        }
        let response = self.client.send(&DELETE, params).await?;
        Ok(Ack::from_response(&response))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardMode {
    Set,
    Add,
}

/// `POST /modifysmartcard`; see [`Users::set_smart_cards`] and [`Users::add_smart_cards`].
#[derive(Debug, Clone)]
#[must_use = "does nothing until sent"]
pub struct WriteSmartCards<'a> {
    client: &'a Client,
    id: EmailId,
    cards: Vec<SmartCard>,
    mode: CardMode,
    allow_duplicates: Option<bool>,
}

impl WriteSmartCards<'_> {
    /// Sends `allow_duplicates`: when true the server accepts numbers repeated in the list
    /// or held by another member; an add then also appends cards the member already holds.
    pub fn allow_duplicates(mut self, allow: bool) -> Self {
        self.allow_duplicates = Some(allow);
        self
    }

    /// Validates the cards (digits-only numbers), then writes.
    pub async fn send(self) -> Result<Ack> {
        let id = self.id.check("email_id")?;
        for card in &self.cards {
            validate::card_number("smartcards.number", &card.number)?;
        }
        let allow = self.allow_duplicates.unwrap_or(false);
        let cards = match self.mode {
            CardMode::Set => self.cards,
            CardMode::Add => {
                let added = non_empty(self.cards, "smartcards")?;
                let mut current = Users::new(self.client).smart_cards(id).await?;
                for card in added {
                    if allow || !current.iter().any(|held| held.number == card.number) {
                        current.push(card);
                    }
                }
                current
            }
        };
        let response = self
            .client
            .send(&SET_CARDS, card_params(id, &cards, self.allow_duplicates))
            .await?;
        Ok(Ack::from_response(&response))
    }
}

impl SmartCard {
    /// A card with a number (digits) and an optional label.
    pub fn new(number: impl Into<String>, label: Option<&str>) -> Self {
        Self {
            number: number.into(),
            label: label.map(str::to_owned),
        }
    }
}

impl User {
    /// The group names, flattened from the vendor's 1-element arrays (`[["Employees"]]`).
    pub fn group_names(&self) -> Vec<&str> {
        self.groups.iter().flatten().map(String::as_str).collect()
    }

    /// Whether `ad_status` says the member is suspended. This reads `ad_status` only,
    /// whatever the client is configured with; use
    /// [`Client::suspension_state`](crate::Client::suspension_state) for the configured
    /// [`SuspensionSource`](crate::SuspensionSource), which can also say "unknown".
    pub fn is_suspended(&self) -> bool {
        self.ad_status == Some(AdStatus::Suspended)
    }
}

impl UserDetail {
    /// The policy names, flattened from the vendor's 1-element arrays.
    pub fn policy_names(&self) -> Vec<&str> {
        self.policies.iter().flatten().map(String::as_str).collect()
    }
}
