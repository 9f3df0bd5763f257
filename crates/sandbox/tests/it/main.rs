//! Integration tests of the sandbox server and of each simulator, seen from real clients,
//! in one test binary so the dependency graph is linked once.

#[cfg(feature = "allthenticate")]
mod allthenticate;
mod conformance;
#[cfg(feature = "logicmonitor")]
mod logicmonitor;
#[cfg(feature = "partner-portal")]
mod partner_portal;
mod sandbox;
#[cfg(feature = "threatlocker")]
mod threatlocker;
