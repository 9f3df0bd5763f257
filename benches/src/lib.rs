//! The benchmark suite lives in `benches/`; run it with `cargo xtask bench`.
