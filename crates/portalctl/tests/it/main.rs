//! The `portalctl` binary end to end, in one test binary so the dependency graph is linked
//! once.

mod bulk;
mod cli;
mod policy;
mod support;
