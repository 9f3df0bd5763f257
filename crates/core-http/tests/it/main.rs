//! Integration tests of core-http against loopback mock servers, in one test binary so the
//! dependency graph is linked once.

mod pagination;
mod requests;
mod retries;
mod secrets;
