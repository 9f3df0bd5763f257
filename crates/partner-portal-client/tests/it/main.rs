//! Integration tests of the Whaly partner-portal client, against httpmock and the sandbox,
//! in one test binary so the dependency graph is linked once.

mod scenarios;
mod secrets;
mod support;
mod wire;
