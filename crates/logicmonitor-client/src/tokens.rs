//! API tokens of a user: `/setting/admins/{adminId}/apitokens`.

use core_http::{Operation, Result};

use crate::client::{Client, ListRequest};
use crate::generated::{ApiToken, ApiTokenCreate};
use crate::ids::{AdminId, ApiTokenId};

static LIST: Operation = Operation::get("apitokens.list", "/setting/admins/{adminId}/apitokens");
static CREATE: Operation =
    Operation::post("apitokens.create", "/setting/admins/{adminId}/apitokens");
static DELETE: Operation = Operation::delete(
    "apitokens.delete",
    "/setting/admins/{adminId}/apitokens/{apitokenId}",
);

/// The kind of token to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenKind {
    /// An LMv1 access id and access key (the default).
    #[default]
    Lmv1,
    /// A bearer token (`type=bearer`).
    Bearer,
}

/// One user's API tokens: `client.api_tokens(user)`.
#[derive(Debug, Clone, Copy)]
pub struct ApiTokens<'c> {
    pub(crate) client: &'c Client,
    pub(crate) user: AdminId,
}

impl<'c> ApiTokens<'c> {
    /// Lists the tokens (their secrets are never included). An invalid user id is
    /// reported when the listing is sent.
    pub fn list(&self) -> ListRequest<'c, ApiToken> {
        ListRequest::new(self.client, &LIST).path_param("adminId", self.user.get())
    }

    /// Creates a token. The returned [`ApiToken::access_key`] is the only time the secret
    /// is shown.
    pub async fn create(&self, kind: TokenKind, note: Option<&str>) -> Result<ApiToken> {
        let user = self.user.check("adminId")?;
        let body = ApiTokenCreate {
            note: note.map(str::to_owned),
            status: None,
        };
        self.client
            .http
            .request(&CREATE)
            .path_param("adminId", user)
            .query_opt("type", (kind == TokenKind::Bearer).then_some("bearer"))
            .json(&body)
            .send_json()
            .await
    }

    /// Deletes a token.
    pub async fn delete(&self, token: ApiTokenId) -> Result<()> {
        let user = self.user.check("adminId")?;
        let token = token.check("apitokenId")?;
        self.client
            .http
            .request(&DELETE)
            .path_param("adminId", user)
            .path_param("apitokenId", token)
            .send()
            .await?;
        Ok(())
    }
}
