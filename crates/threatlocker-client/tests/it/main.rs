//! Integration tests of the ThreatLocker client, against httpmock and the sandbox, in one
//! test binary so the dependency graph is linked once.

mod bad_input;
mod sandbox;
mod secrets;
mod support;
mod wire;
