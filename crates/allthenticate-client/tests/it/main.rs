//! Integration tests of the Allthenticate client, against httpmock and the sandbox, in one
//! test binary so the dependency graph is linked once.

mod sandbox;
mod secrets;
mod support;
mod wire;
