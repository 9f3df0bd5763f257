//! Typed async client for LogicMonitor REST API v3 users, user groups, roles and API tokens, with LMv1 signing.
