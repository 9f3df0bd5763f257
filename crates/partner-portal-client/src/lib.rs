//! Typed async client for Whaly partner portals: portal users, roles, user attributes.
