//! Stateful local simulators of the portal APIs.
