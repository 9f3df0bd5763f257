//! Cargo subcommands that xtask runs but a bare toolchain may lack: each taken from the
//! machine when present and otherwise installed once (a rustup component, or a pinned
//! version from crates.io), so the README's commands need nothing but a Rust toolchain.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::cmd::Cmd;

/// A cargo subcommand and where it comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tool {
    /// The subcommand (`cargo <subcommand>`).
    pub(crate) subcommand: &'static str,
    /// Where it is installed from.
    source: Source,
}

/// Where a tool is installed from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A rustup component of the running toolchain.
    Rustup {
        /// The component's name.
        component: &'static str,
    },
    /// A crate from crates.io, pinned to one version.
    Crates {
        /// The crate `cargo install` takes.
        package: &'static str,
        /// The pinned version.
        version: &'static str,
        /// How long a first install takes here, to say before it starts.
        install_time: &'static str,
    },
}

/// rustfmt, for `cargo fmt`.
pub(crate) const RUSTFMT: Tool = Tool {
    subcommand: "fmt",
    source: Source::Rustup {
        component: "rustfmt",
    },
};

/// clippy, for `cargo clippy`.
pub(crate) const CLIPPY: Tool = Tool {
    subcommand: "clippy",
    source: Source::Rustup {
        component: "clippy",
    },
};

/// cargo-deny, for the dependency policy in `deny.toml`.
pub(crate) const CARGO_DENY: Tool = Tool {
    subcommand: "deny",
    source: Source::Crates {
        package: "cargo-deny",
        version: "0.20.2",
        install_time: "about 10 minutes on 2 cores",
    },
};

impl Tool {
    /// Installs the tool unless `cargo <subcommand> --version` already runs (and, for a
    /// pinned crate, reports the pinned version).
    pub(crate) fn ensure(self, root: &Path) -> Result<()> {
        let installed = Cmd::cargo(root)
            .args([self.subcommand, "--version"])
            .output()
            .ok();
        match self.source {
            Source::Rustup { component } => {
                if installed.is_some() {
                    return Ok(());
                }
                println!(
                    "`cargo {}` is missing; adding rustup's {component}",
                    self.subcommand
                );
                let status = Command::new("rustup")
                    .args(["component", "add", component])
                    .status()
                    .context("could not start rustup to add a toolchain component")?;
                if !status.success() {
                    bail!("`rustup component add {component}` failed ({status})");
                }
                Ok(())
            }
            Source::Crates {
                package,
                version,
                install_time,
            } => {
                if installed.as_deref().map(str::trim)
                    == Some(version_line(package, version).as_str())
                {
                    return Ok(());
                }
                println!(
                    "{package} {version} is not installed; installing it once from crates.io \
                     ({install_time}; later runs reuse it)"
                );
                Cmd::cargo(root)
                    .args(["install", "--locked", package, "--version", version])
                    .run()
                    .with_context(|| format!("installing {package} {version}"))
            }
        }
    }
}

/// What `cargo <subcommand> --version` prints for `package` at `version`.
fn version_line(package: &str, version: &str) -> String {
    format!("{package} {version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_present_tool_is_taken_as_it_is() {
        // `cargo fmt` is on every machine that runs CI; ensure must find it, not install it.
        RUSTFMT.ensure(Path::new(".")).unwrap();
        assert_eq!(version_line("cargo-deny", "0.20.2"), "cargo-deny 0.20.2");
    }
}
