//! Running `cargo`: echo the command line, run it in the workspace root, and fail with a
//! message naming the command when it does not succeed.

use std::{
    ffi::OsString,
    fmt,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

/// A `cargo` invocation, shown as a shell command line before it runs.
#[derive(Debug, Clone)]
pub(crate) struct Cmd {
    /// Directory the command runs in.
    dir: PathBuf,
    /// Arguments after `cargo`.
    args: Vec<String>,
    /// Extra environment variables.
    envs: Vec<(String, String)>,
}

impl Cmd {
    /// `cargo` (the one running xtask, from `$CARGO`, else the one on `PATH`) run in `dir`.
    pub(crate) fn cargo(dir: &Path) -> Self {
        Self {
            dir: dir.to_owned(),
            args: Vec::new(),
            envs: Vec::new(),
        }
    }

    /// Appends arguments.
    pub(crate) fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the command.
    pub(crate) fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Echoes the command line, runs it with inherited stdio, and fails unless it succeeds.
    pub(crate) fn run(&self) -> Result<()> {
        println!("$ {self}");
        let status = self
            .command()
            .status()
            .with_context(|| format!("could not start `{self}`"))?;
        if !status.success() {
            bail!("`{self}` failed ({status})");
        }
        Ok(())
    }

    /// Runs the command quietly and returns its standard output; fails unless it succeeds.
    pub(crate) fn output(&self) -> Result<String> {
        let output = self
            .command()
            .output()
            .with_context(|| format!("could not start `{self}`"))?;
        if !output.status.success() {
            bail!(
                "`{self}` failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        String::from_utf8(output.stdout).with_context(|| format!("`{self}` printed invalid UTF-8"))
    }

    /// The process: `cargo` (from `$CARGO`, else the one on `PATH`) with the arguments and
    /// environment, in the directory.
    fn command(&self) -> Command {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut command = Command::new(cargo);
        command
            .args(&self.args)
            .envs(self.envs.iter().map(|(key, value)| (key, value)))
            .current_dir(&self.dir);
        command
    }
}

/// `cargo metadata --format-version 1` for the workspace at `root`, as JSON: only the
/// workspace's packages with `no_deps`, else every package of the locked dependency graph.
pub(crate) fn metadata(root: &Path, no_deps: bool) -> Result<serde_json::Value> {
    let mut cmd = Cmd::cargo(root).args(["metadata", "--format-version", "1", "--locked"]);
    if no_deps {
        cmd = cmd.args(["--no-deps"]);
    }
    serde_json::from_str(&cmd.output()?).with_context(|| format!("reading the output of `{cmd}`"))
}

impl fmt::Display for Cmd {
    /// Formats the command as it could be typed into a POSIX shell.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in &self.envs {
            write!(f, "{key}={} ", quote(value))?;
        }
        f.write_str("cargo")?;
        for arg in &self.args {
            write!(f, " {}", quote(arg))?;
        }
        Ok(())
    }
}

/// Single-quotes `word` when a shell would otherwise split or expand it.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_=./:,+@".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_what_a_shell_would_split_or_expand() {
        let cmd = Cmd::cargo(Path::new("."))
            .args(["test", "--test", "*"])
            .env("RUSTDOCFLAGS", "-D warnings");
        assert_eq!(
            cmd.to_string(),
            "RUSTDOCFLAGS='-D warnings' cargo test --test '*'"
        );
    }

    #[test]
    fn failure_names_the_command() {
        let err = Cmd::cargo(Path::new("."))
            .args(["no-such-subcommand-for-xtask-tests"])
            .run()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`cargo no-such-subcommand-for-xtask-tests` failed"),
            "{err:#}"
        );
    }
}
