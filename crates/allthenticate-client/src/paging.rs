//! Listing users: `GET /multipleusers` answers every user in one response, sent as one
//! [`Page`] or as a one-page stream.

use core_http::{Error, ItemStream, Operation, Page, PageRequest, Result, paginate};

use crate::client::Client;
use crate::generated::User;
use crate::params::Params;
use crate::types::UserTag;

static LIST: Operation = Operation::get("users.list", "/multipleusers");

/// `GET /multipleusers`; see [`Users::list`](crate::Users::list).
#[derive(Debug, Clone)]
#[must_use = "does nothing until sent"]
pub struct ListUsers<'a> {
    client: &'a Client,
    email_in_name: Option<bool>,
    tag: Option<UserTag>,
}

impl<'a> ListUsers<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self {
            client,
            email_in_name: None,
            tag: None,
        }
    }

    /// Asks the server to put each user's email into `name` (`email=true`).
    pub fn email_in_name(mut self, yes: bool) -> Self {
        self.email_in_name = Some(yes);
        self
    }

    /// Lists users with this tag (`user_tag`); `GUEST` returns the guests. Without it the
    /// server returns its default list (regular members, presumably).
    pub fn tag(mut self, tag: UserTag) -> Self {
        self.tag = Some(tag);
        self
    }

    fn params(&self) -> Result<Params> {
        let mut params = Params::new();
        if let Some(flag) = self.email_in_name {
            params = params.bool("email", flag);
        }
        if let Some(tag) = &self.tag {
            if tag.as_str().trim().is_empty() {
                return Err(Error::invalid_input("user_tag", "must not be empty"));
            }
            params = params.text("user_tag", tag.as_str());
        }
        Ok(params)
    }

    /// Sends the request: every user, in one response (a page with nothing after it).
    pub async fn send(self) -> Result<Page<User>> {
        let params = self.params()?;
        fetch(self.client, params).await
    }

    /// The same listing as a lazy stream ([`PageRequest::Single`]: one request, sent when
    /// first polled).
    pub fn stream(self) -> ItemStream<User> {
        let client = self.client.clone();
        let mut params = Some(self.params());
        paginate(LIST.name, PageRequest::Single, move |_request| {
            let client = client.clone();
            let params = params.take();
            async move { fetch(&client, params.unwrap_or_else(|| Ok(Params::new()))?).await }
        })
    }
}

/// Fetches the one page of the listing.
async fn fetch(client: &Client, params: Params) -> Result<Page<User>> {
    let response = client.send(&LIST, params).await?;
    Ok(Page::new(response.json()?).fingerprint(response.fingerprint()))
}
