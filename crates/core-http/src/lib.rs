//! The HTTP transport shared by every portal client.
