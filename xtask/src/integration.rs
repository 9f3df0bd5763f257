//! `cargo xtask integration [--vendor V] [--live]`: the scenario suites against the sandbox.
//!
//! The suites are the integration-test targets of the workspace (one `tests/it/` binary per
//! crate, and the cross-crate suites of `tests/tests/`), or of one vendor's `<vendor>-client`
//! package. `--live` (against a real tenant) is not implemented.

use std::path::Path;

use anyhow::{Result, bail};
use clap::ValueEnum;

use crate::cmd::Cmd;

/// Arguments of `cargo xtask integration`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only run the suites of this vendor's client crate.
    #[arg(long, value_enum)]
    vendor: Option<Vendor>,
    /// Run against a real tenant configured through environment variables (not implemented yet).
    #[arg(long)]
    live: bool,
}

/// The vendors with a client crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Vendor {
    /// ThreatLocker portal API.
    Threatlocker,
    /// Allthenticate organization API.
    Allthenticate,
    /// Whaly partner portals.
    PartnerPortal,
    /// LogicMonitor REST API v3.
    Logicmonitor,
}

impl Vendor {
    /// The vendor's client package, e.g. `logicmonitor-client`.
    fn package(self) -> String {
        let name = self
            .to_possible_value()
            .expect("no vendor is skipped")
            .get_name()
            .to_owned();
        format!("{name}-client")
    }
}

/// Runs the integration suites of the workspace at `root`.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    if args.live {
        bail!(
            "`cargo xtask integration --live` is not implemented yet; \
             run without `--live` to use the sandbox"
        );
    }
    command(args.vendor, root).run()
}

/// The `cargo test` invocation running the integration-test targets.
fn command(vendor: Option<Vendor>, root: &Path) -> Cmd {
    let scope = match vendor {
        Some(vendor) => vec!["--package".to_owned(), vendor.package()],
        None => vec!["--workspace".to_owned()],
    };
    Cmd::cargo(root)
        .args(["test"])
        .args(scope)
        .args(["--all-features", "--locked", "--test", "*"])
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// A bare parser for these arguments.
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    #[test]
    fn whole_workspace_without_vendor() {
        assert_eq!(
            command(None, Path::new(".")).to_string(),
            "cargo test --workspace --all-features --locked --test '*'"
        );
    }

    #[test]
    fn vendor_selects_its_client_package() {
        let cli = Cli::try_parse_from(["integration", "--vendor", "partner-portal"]).unwrap();
        assert_eq!(
            command(cli.args.vendor, Path::new(".")).to_string(),
            "cargo test --package partner-portal-client --all-features --locked --test '*'"
        );
    }

    #[test]
    fn unknown_vendor_is_rejected_with_the_valid_names() {
        let err = Cli::try_parse_from(["integration", "--vendor", "okta"]).unwrap_err();
        let message = err.to_string();
        for vendor in [
            "threatlocker",
            "allthenticate",
            "partner-portal",
            "logicmonitor",
        ] {
            assert!(message.contains(vendor), "{message}");
        }
    }

    #[test]
    fn live_fails_without_running_anything() {
        let cli = Cli::try_parse_from(["integration", "--live"]).unwrap();
        let err = run(&cli.args, Path::new("/nonexistent")).unwrap_err();
        assert!(err.to_string().contains("not implemented"), "{err}");
    }
}
