//! Typed async client for the ThreatLocker portal API: user invites, roles, child organizations, timezones.
