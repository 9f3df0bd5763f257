//! Dependency checks run by `cargo xtask ci`.
//!
//! - **Lean clients**: a user who picks one client crate gets the client, `core-http` and
//!   what they need, and nothing that only the sandbox, the CLI or xtask needs.
//! - **MSRV**: every manifest inherits the workspace's single `rust-version`, and no package
//!   in `Cargo.lock` declares a newer one. That is checked from `cargo metadata`, offline.
//!   Compiling with Rust 1.88 itself is not done here: the only toolchain on these machines
//!   is 1.95 and no other can be fetched, so this is the check the tree can honestly get.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use toml_edit::{DocumentMut, Item};

use crate::cmd::{self, Cmd};

/// The client crates, each meant to be used on its own.
const CLIENTS: [&str; 4] = [
    "threatlocker-client",
    "allthenticate-client",
    "partner-portal-client",
    "logicmonitor-client",
];

/// The crate every client is built on.
const CORE: &str = "core-http";

/// The packages whose own dependencies no client may pull.
const TOOLS: [&str; 3] = ["portal-sandbox", "portalctl", "xtask"];

/// Never in a client's tree, whatever the manifests say.
const NEVER_IN_A_CLIENT: [(&str, &str); 3] = [
    ("axum", "portal-sandbox"),
    ("clap", "portalctl"),
    ("typify", "xtask"),
];

/// Fails, naming the crate, when a client's normal dependency tree holds a crate that only
/// the sandbox, the CLI or xtask needs; prints each client's dependency count.
pub(crate) fn check_lean_clients(root: &Path) -> Result<()> {
    let metadata = cmd::metadata(root, true)?;
    let packages = metadata["packages"].as_array().context("no packages")?;
    let tool_only = tool_only(packages, &normal_tree(root, CORE)?);
    println!(
        "crates only the tools need: {}",
        tool_only.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    let mut problems = Vec::new();
    for client in CLIENTS {
        let tree = normal_tree(root, client)?;
        println!(
            "  {client}: {} crates in its normal dependency tree (itself included)",
            tree.len()
        );
        for name in &tree {
            if let Some(users) = tool_only.get(name) {
                problems.push(format!(
                    "{client} pulls `{name}`, which only {} needs",
                    users.join(", ")
                ));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "client crates must stay lean:\n  {}\n(see `cargo tree -p <client> -e normal -i <crate>`)",
            problems.join("\n  ")
        );
    }
    Ok(())
}

/// The crates only the tools need, each with the tools that need it: the tools themselves
/// and their direct dependencies, less what `core-http` or a client declares and less
/// `core-http`'s own tree.
fn tool_only(packages: &[Value], core_tree: &BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let direct = |name: &str, with_optional: bool| -> Vec<String> {
        packages
            .iter()
            .filter(|package| package["name"] == name)
            .flat_map(|package| package["dependencies"].as_array().into_iter().flatten())
            .filter(|dep| dep["kind"].as_str() != Some("dev"))
            .filter(|dep| with_optional || dep["optional"] != true)
            .filter_map(|dep| dep["name"].as_str().map(str::to_owned))
            .collect()
    };
    let mut allowed: BTreeSet<String> = core_tree.clone();
    for client in CLIENTS.iter().chain([&CORE]) {
        allowed.insert((*client).to_owned());
        allowed.extend(direct(client, false));
    }
    let mut only: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for tool in TOOLS {
        let needs = direct(tool, true).into_iter().chain([tool.to_owned()]);
        for name in needs.filter(|name| !allowed.contains(name)) {
            let users = only.entry(name).or_default();
            if !users.iter().any(|user| user == tool) {
                users.push(tool.to_owned());
            }
        }
    }
    for (name, tool) in NEVER_IN_A_CLIENT {
        only.entry(name.to_owned())
            .or_insert_with(|| vec![tool.to_owned()]);
    }
    only
}

/// The package names in `cargo tree -p <package> -e normal`.
fn normal_tree(root: &Path, package: &str) -> Result<BTreeSet<String>> {
    let tree = Cmd::cargo(root)
        .args(["tree", "--locked", "-p", package, "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()?;
    Ok(tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect())
}

/// Fails unless every workspace manifest inherits the workspace `rust-version` and no
/// package in `Cargo.lock` declares a newer one.
pub(crate) fn check_msrv(root: &Path) -> Result<()> {
    let manifest: DocumentMut = fs::read_to_string(root.join("Cargo.toml"))?.parse()?;
    let ours = manifest
        .get("workspace")
        .and_then(|workspace| workspace.get("package"))
        .and_then(|package| package.get("rust-version"))
        .and_then(Item::as_str)
        .context("no [workspace.package] rust-version")?;
    let ours_parsed = parse_rust_version(ours)?;
    let metadata = cmd::metadata(root, false)?;
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .context("no workspace members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = metadata["packages"].as_array().context("no packages")?;
    let mut problems = Vec::new();
    let mut declared = 0;
    for package in packages {
        let name = package["name"].as_str().unwrap_or_default();
        if members.contains(package["id"].as_str().unwrap_or_default()) {
            let path = package["manifest_path"].as_str().unwrap_or_default();
            if !inherits_rust_version(&fs::read_to_string(path)?.parse()?) {
                problems.push(format!(
                    "{name}: its manifest must say `rust-version.workspace = true`"
                ));
            }
            continue;
        }
        let Some(theirs) = package["rust_version"].as_str() else {
            continue;
        };
        declared += 1;
        if parse_rust_version(theirs)? > ours_parsed {
            problems.push(format!(
                "{name} {} needs Rust {theirs}, newer than our rust-version {ours}",
                package["version"].as_str().unwrap_or_default()
            ));
        }
    }
    if !problems.is_empty() {
        bail!("minimum Rust version {ours}:\n  {}", problems.join("\n  "));
    }
    println!(
        "{} workspace manifests inherit rust-version {ours}; {declared} of the {} other \
         packages in Cargo.lock declare a rust-version, none newer than {ours}. (Compiling \
         with Rust {ours} itself needs that toolchain, which can not be installed here.)",
        members.len(),
        packages.len() - members.len()
    );
    Ok(())
}

/// Whether a manifest has `rust-version.workspace = true`.
fn inherits_rust_version(manifest: &DocumentMut) -> bool {
    manifest
        .get("package")
        .and_then(|package| package.get("rust-version"))
        .and_then(|version| version.get("workspace"))
        .and_then(Item::as_bool)
        == Some(true)
}

/// `1.88` or `1.88.0` as numbers, the missing patch as 0.
fn parse_rust_version(text: &str) -> Result<(u64, u64, u64)> {
    let numbers: Vec<u64> = text
        .split('.')
        .map(str::parse)
        .collect::<Result<_, _>>()
        .with_context(|| format!("`{text}` is not a Rust version"))?;
    match numbers[..] {
        [major, minor] => Ok((major, minor, 0)),
        [major, minor, patch] => Ok((major, minor, patch)),
        _ => bail!("`{text}` is not a Rust version"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rust_versions_compare_as_numbers() {
        assert_eq!(parse_rust_version("1.88").unwrap(), (1, 88, 0));
        assert_eq!(parse_rust_version("1.88.1").unwrap(), (1, 88, 1));
        assert!(parse_rust_version("1.100").unwrap() > parse_rust_version("1.88.9").unwrap());
        assert!(parse_rust_version("1.x").is_err());
        assert!(parse_rust_version("").is_err());
    }

    #[test]
    fn only_an_inherited_rust_version_counts() {
        let inherits = |text: &str| inherits_rust_version(&text.parse().unwrap());
        assert!(inherits("[package]\nrust-version.workspace = true\n"));
        assert!(inherits("[package]\nrust-version = { workspace = true }\n"));
        assert!(!inherits("[package]\nrust-version = \"1.88\"\n"));
        assert!(!inherits("[package]\nname = \"a\"\n"));
    }

    #[test]
    fn tool_only_crates_exclude_what_clients_and_core_need() {
        let dep = |name: &str, kind: Option<&str>, optional: bool| json!({ "name": name, "kind": kind, "optional": optional });
        let packages = vec![
            json!({ "name": "core-http", "dependencies": [
                dep("reqwest", None, false), dep("tracing-subscriber", None, true) ] }),
            json!({ "name": "logicmonitor-client", "dependencies": [
                dep("core-http", None, false), dep("chrono", None, false),
                dep("portal-sandbox", Some("dev"), false) ] }),
            json!({ "name": "portal-sandbox", "dependencies": [
                dep("axum", None, false), dep("hyper", None, false), dep("chrono", None, false) ] }),
            json!({ "name": "portalctl", "dependencies": [
                dep("clap", None, false), dep("tracing-subscriber", None, false),
                dep("logicmonitor-client", None, false) ] }),
        ];
        let core_tree: BTreeSet<String> =
            ["core-http", "reqwest", "hyper"].map(str::to_owned).into();
        let only = tool_only(&packages, &core_tree);
        let names: Vec<&str> = only.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "axum",
                "clap",
                "portal-sandbox",
                "portalctl",
                "tracing-subscriber",
                "typify",
                "xtask"
            ]
        );
        assert_eq!(only["axum"], ["portal-sandbox"]);
        assert_eq!(only["tracing-subscriber"], ["portalctl"]);
    }
}
