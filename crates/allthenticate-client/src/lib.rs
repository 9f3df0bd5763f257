//! Typed async client for the Allthenticate organization API: users, ranks, smart cards, suspension, invites.
