//! Organisation user attributes: `GET /v1/user-attributes` and `GET /v1/user-attributes/{id}`.

use core_http::Operation;
use futures_util::TryStreamExt;

use crate::generated::UserAttributePage;
use crate::paging::ListRequest;
use crate::roles::{pick_by_name, unknown_name};
use crate::{Client, Result, UserAttribute, UserAttributeValue, validate};

static LIST_ATTRIBUTES: Operation = Operation::get("user_attributes.list", "/v1/user-attributes");
static GET_ATTRIBUTE: Operation = Operation::get(
    "user_attributes.get",
    "/v1/user-attributes/{userAttributeId}",
);

/// The organisation's user attributes; see [`Client::user_attributes`].
#[derive(Debug, Clone, Copy)]
pub struct UserAttributes<'c> {
    client: &'c Client,
}

impl<'c> UserAttributes<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists user attributes, oldest first.
    pub fn list(&self) -> ListRequest<'c, UserAttribute> {
        ListRequest::new::<UserAttributePage>(self.client, &LIST_ATTRIBUTES)
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
