//! Organisation user attributes: `GET /v1/user-attributes` and `GET /v1/user-attributes/{id}`.

use core_http::{ItemStream, Operation};
use futures_util::TryStreamExt;

use crate::generated::UserAttributePage;
use crate::paging::{self, Listing};
use crate::roles::{pick_by_name, unknown_name};
use crate::{Client, Result, UserAttribute, UserAttributeValue, validate};

static LIST_ATTRIBUTES: Operation = Operation::get("user_attributes.list", "/v1/user-attributes");
static GET_ATTRIBUTE: Operation = Operation::get(
    "user_attributes.get",
    "/v1/user-attributes/{userAttributeId}",
);

/// The organisation's user attributes; see [`Client::user_attributes`].
#[derive(Debug, Clone)]
pub struct UserAttributes {
    client: Client,
}

impl UserAttributes {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Lists user attributes, oldest first.
    pub fn list(&self) -> ListUserAttributes {
        ListUserAttributes {
            client: self.client.clone(),
            limit: None,
            after: None,
        }
    }

    /// Gets one user attribute by id.
    pub async fn get(&self, attribute_id: &str) -> Result<UserAttribute> {
        validate::path_segment("user_attribute_id", attribute_id)?;
        self.client
            .http
            .request(&GET_ATTRIBUTE)
            .path_param("userAttributeId", attribute_id)
            .send_json()
            .await
    }

    /// The attribute with this technical name (e.g. `tenant_id`), if any: an exact match,
    /// else the only case-insensitive one. Lists every attribute (the API has no filter).
    pub async fn find_by_name(&self, name: &str) -> Result<Option<UserAttribute>> {
        let attributes: Vec<UserAttribute> = self.list().stream().try_collect().await?;
        Ok(pick_by_name(attributes, name, |a| &a.name))
    }

    /// `(name, value)` pairs turned into `{id, value}` entries for a create, listing the
    /// attributes once. An unknown name is [`crate::Error::InvalidInput`] for `attributes`.
    pub async fn resolve<I, N, V>(&self, pairs: I) -> Result<Vec<UserAttributeValue>>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: Into<String>,
    {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(name, value)| (name.as_ref().to_owned(), value.into()))
            .collect();
        if pairs.is_empty() {
            return Ok(Vec::new());
        }
        let attributes: Vec<UserAttribute> = self.list().stream().try_collect().await?;
        pairs
            .into_iter()
            .map(|(name, value)| {
                pick_by_name(attributes.clone(), &name, |a| &a.name)
                    .map(|attribute| UserAttributeValue {
                        id: attribute.id,
                        value,
                    })
                    .ok_or_else(|| unknown_name("attributes", "user attribute", &name))
            })
            .collect()
    }
}

/// A user-attribute listing; see [`UserAttributes::list`].
#[derive(Debug)]
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListUserAttributes {
    client: Client,
    limit: Option<u32>,
    after: Option<String>,
}

impl ListUserAttributes {
    /// Items per page (any positive number; 0 is refused before sending).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after this opaque cursor.
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.after = Some(cursor.into());
        self
    }

    fn listing(&self) -> Listing {
        Listing {
            operation: &LIST_ATTRIBUTES,
            path_params: Vec::new(),
            limit: self.limit,
            after: self.after.clone(),
        }
    }

    /// Fetches one page: the attributes, and the next cursor (`None` at the end).
    pub async fn send(self) -> Result<(Vec<UserAttribute>, Option<String>)> {
        paging::check_limit(self.limit)?;
        let listing = self.listing();
        let (items, next, _) = paging::fetch::<UserAttributePage>(
            &self.client.http,
            &listing,
            self.after.as_deref(),
            self.limit,
        )
        .await?;
        Ok((items, next))
    }

    /// Every attribute, lazily, page by page.
    pub fn stream(self) -> ItemStream<UserAttribute> {
        paging::stream::<UserAttributePage>(
            self.client.http.clone(),
            self.listing(),
            self.client.page_size,
        )
    }
}
