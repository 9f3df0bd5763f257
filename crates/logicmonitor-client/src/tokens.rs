//! API tokens of a user: `/setting/admins/{adminId}/apitokens`.

use core_http::{Operation, Result};

use crate::client::Client;
use crate::generated::{ApiToken, ApiTokenCreate, ApiTokenUpdate};
use crate::ids::{AdminId, ApiTokenId};
use crate::paging::ListRequest;

static LIST: Operation = Operation::get("apitokens.list", "/setting/admins/{adminId}/apitokens");
static CREATE: Operation =
    Operation::post("apitokens.create", "/setting/admins/{adminId}/apitokens");
static PATCH: Operation = Operation::patch(
    "apitokens.patch",
    "/setting/admins/{adminId}/apitokens/{apitokenId}",
);
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

/// Whether a token may authenticate: LogicMonitor's `status`, 2 enabled and 1 disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// Enabled (`status: 2`).
    Active,
    /// Disabled (`status: 1`): requests signed with it are refused.
    Inactive,
}

impl TokenStatus {
    /// The wire value.
    pub fn code(self) -> i32 {
        match self {
            Self::Active => 2,
            Self::Inactive => 1,
        }
    }

    /// Reads a token's `status`; `None` for a value LogicMonitor does not document.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            2 => Some(Self::Active),
            1 => Some(Self::Inactive),
            _ => None,
        }
    }
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

    /// Enables or disables a token (`PATCH {"status": 2|1}`) and returns it as the
    /// server now has it (without its secret).
    pub async fn set_status(&self, token: ApiTokenId, status: TokenStatus) -> Result<ApiToken> {
        let user = self.user.check("adminId")?;
        let token = token.check("apitokenId")?;
        let body = ApiTokenUpdate {
            note: None,
            status: Some(status.code()),
        };
        self.client
            .http
            .request(&PATCH)
            .path_param("adminId", user)
            .path_param("apitokenId", token)
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
