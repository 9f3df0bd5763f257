//! Integration tests of the review store on real SQLite files, in one test binary so the
//! dependency graph is linked once.

mod store;
