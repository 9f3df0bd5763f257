//! LogicMonitor's official Python SDK against `portalctl sandbox`: the sandbox as users
//! see it, checked with the vendor's own client rather than ours.
//!
//! The pinned `logicmonitor-sdk` lives in `target/sdk-venv`, made on first use.
//! `xtask/sdk/logicmonitor_check.py` lists with `fields=id,username`, filters with
//! `filterGroupString`, creates, patches and deletes a role, PATCHes an API token and
//! expects 401 for a wrong key, using the URL and credentials `portalctl sandbox` prints.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Command, Stdio},
};

use anyhow::{Context, Result, bail};

use crate::conformance::{install_into_venv, run_quiet};

/// The SDK release checked (the one LogicMonitor's SDK models were compared with).
const SDK_VERSION: &str = "3.0.256";

/// What `portalctl sandbox` prints for LogicMonitor: the URL and the credentials.
#[derive(Debug, Default, PartialEq, Eq)]
struct Announced {
    url: Option<String>,
    access_id: Option<String>,
    access_key: Option<String>,
}

impl Announced {
    /// Takes what one printed line says; `true` once everything is known.
    fn read(&mut self, line: &str) -> bool {
        let line = line.trim();
        if let Some(url) = line.strip_prefix("logicmonitor") {
            self.url = Some(url.trim().to_owned());
        } else if let Some((name, value)) = line
            .strip_prefix("export ")
            .and_then(|export| export.split_once('='))
        {
            let value = value.trim_matches('\'').to_owned();
            match name {
                "PORTALCTL_SANDBOX_LM_ACCESS_ID" => self.access_id = Some(value),
                "PORTALCTL_SANDBOX_LM_ACCESS_KEY" => self.access_key = Some(value),
                _ => {}
            }
        }
        self.url.is_some() && self.access_id.is_some() && self.access_key.is_some()
    }
}

/// Runs the SDK checks against a `portalctl sandbox` started for them.
pub(crate) fn run(root: &Path) -> Result<()> {
    let venv = root.join("target").join("sdk-venv");
    let python = venv.join("bin").join("python");
    let installed = Command::new(&python)
        .args(["-m", "pip", "show", "logicmonitor-sdk"])
        .output()
        .is_ok_and(|output| {
            String::from_utf8_lossy(&output.stdout).contains(&format!("Version: {SDK_VERSION}"))
        });
    if !installed {
        install_into_venv(&venv, &format!("logicmonitor-sdk=={SDK_VERSION}"))?;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run_quiet(
        Command::new(&cargo)
            .args(["build", "--quiet", "--locked", "--package", "portalctl"])
            .current_dir(root),
        "building portalctl",
    )?;
    let portalctl = root.join("target").join("debug").join("portalctl");
    let mut sandbox = Command::new(&portalctl)
        .arg("sandbox")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start {} sandbox", portalctl.display()))?;
    let mut announced = Announced::default();
    let stdout = sandbox.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let complete = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| announced.read(&line));
    let outcome = if complete {
        println!("checking logicmonitor-sdk {SDK_VERSION} against `portalctl sandbox`");
        Command::new(&python)
            .arg(root.join("xtask").join("sdk").join("logicmonitor_check.py"))
            .env(
                "PORTALCTL_SANDBOX_LM_URL",
                announced.url.unwrap_or_default(),
            )
            .env(
                "PORTALCTL_SANDBOX_LM_ACCESS_ID",
                announced.access_id.unwrap_or_default(),
            )
            .env(
                "PORTALCTL_SANDBOX_LM_ACCESS_KEY",
                announced.access_key.unwrap_or_default(),
            )
            .status()
            .context("could not run the SDK checks")
    } else {
        Err(anyhow::anyhow!(
            "`portalctl sandbox` stopped before printing LogicMonitor's URL and credentials"
        ))
    };
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    let status = outcome?;
    if !status.success() {
        bail!("the official LogicMonitor SDK failed against `portalctl sandbox` (see above)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_portalctl_sandbox_prints() {
        let mut announced = Announced::default();
        let printed = [
            "Sandbox running on loopback (Ctrl-C to stop).",
            "  threatlocker    http://127.0.0.1:42845",
            "  logicmonitor    http://127.0.0.1:44691/santaba/rest",
            "  export PORTALCTL_SANDBOX_TL_TOKEN='9de8'",
            "  export PORTALCTL_SANDBOX_LM_ACCESS_ID='Iy9MCQ'",
        ];
        assert!(!printed.iter().any(|line| announced.read(line)));
        assert!(announced.read("  export PORTALCTL_SANDBOX_LM_ACCESS_KEY='te{q}p3^K'"));
        assert_eq!(
            announced,
            Announced {
                url: Some("http://127.0.0.1:44691/santaba/rest".into()),
                access_id: Some("Iy9MCQ".into()),
                access_key: Some("te{q}p3^K".into()),
            }
        );
    }
}
