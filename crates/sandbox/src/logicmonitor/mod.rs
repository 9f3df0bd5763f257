//! The LogicMonitor REST API v3 simulator.
