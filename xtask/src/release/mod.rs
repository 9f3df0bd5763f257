//! `cargo xtask release [patch|minor|major|VERSION] [-p CRATE]... [--execute]`: release the
//! publishable crates that changed since their last tag (`<crate>-v<version>`).
//!
//! The run plans first ([`plan`], a pure function), prints the plan, and computes every
//! file edit in memory. It then checks that the git tree is clean and verifies the release
//! in a scratch worktree of `HEAD` that holds the edits and a release commit: `cargo xtask
//! ci`, the codegen check, `cargo package` of every publishable crate in dependency order,
//! and a semver check against each crate's previous published version. Only when all of
//! that passes, and only with `--execute`, the working tree is fast-forwarded to that
//! commit and the tags are made: a failure at any step leaves the tree as it was.
//!
//! Publishing stays a separate, printed step (`cargo publish -p ...` in dependency order),
//! since it needs a crates.io token.

mod commits;
mod edit;
mod plan;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
    process::Command,
    sync::atomic::{AtomicUsize, Ordering},
};

use anyhow::{Context, Result, bail};
use semver::Version;
use serde_json::Value;
use toml_edit::{DocumentMut, Item};

use crate::{
    cmd::{self, Cmd},
    codegen,
};

use self::{
    commits::Commit,
    plan::{Bump, CrateState, Input, Plan, Reason},
};

/// Arguments of `cargo xtask release`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// `patch`, `minor`, `major` or an exact version; by default the smallest bump the
    /// conventional commits call for. Crates without a tag are released at their
    /// manifest's version.
    bump: Option<Bump>,
    /// Only these crates count as changed (crates whose dependency is released at an
    /// incompatible version follow anyway).
    #[arg(short = 'p', long = "package", value_name = "CRATE")]
    packages: Vec<String>,
    /// Commit the release and make the tags; without it, a dry run that writes nothing.
    #[arg(long)]
    execute: bool,
    /// Plan and verify, write nothing: the default, spelled out for scripts.
    #[arg(long, conflicts_with = "execute")]
    dry_run: bool,
    /// Only print the plan and check the tree: skip building and packaging (dry run only).
    #[arg(long, conflicts_with = "execute")]
    no_verify: bool,
}

/// Runs `cargo xtask release` on the workspace at `root`.
pub(crate) fn run(args: &Args, root: &Path) -> Result<()> {
    let plan = prepare(args, root)?;
    let mode = if args.execute {
        "--execute: verified first, then committed and tagged"
    } else {
        "dry run: nothing is written without --execute"
    };
    println!("release plan ({mode})\n\n{plan}");
    let level = matches!(args.bump, Some(Bump::Patch | Bump::Minor | Bump::Major));
    if level && plan.releases.iter().any(|r| r.reason == Reason::First) {
        println!(
            "\nnote: a crate without a tag is released at its manifest's version; the bump \
             applies from its next release (give an exact version to choose another)"
        );
    }
    if plan.releases.is_empty() {
        return Ok(());
    }
    println!("\n==> release check: clean git tree");
    require_clean_tree(root)?;
    let edits = edit::edits(&plan, |path| {
        fs::read_to_string(root.join(path)).with_context(|| format!("reading {}", path.display()))
    })?;
    if args.no_verify {
        println!(
            "\nverification skipped (--no-verify): cargo xtask ci, codegen check, cargo package \
             of {}, semver checks",
            plan.packages.join(", ")
        );
        return Ok(());
    }
    let scratch = Scratch::create(root)?;
    let commit = scratch.commit(&edits, &plan.commit_message())?;
    verify(&scratch.path, &plan, &verification_target_dir(root))?;
    drop(scratch);
    if !args.execute {
        println!("\ndry run: every check passed; run again with --execute to commit and tag");
        return Ok(());
    }
    git(root, &["merge", "--ff-only", "--quiet", &commit])?;
    for release in &plan.releases {
        let message = format!("{} {}", release.name, release.new);
        git(root, &["tag", "-a", &release.tag, "-m", &message, &commit])?;
    }
    println!(
        "\nreleased in {}; tags made. Next:",
        &commit[..12.min(commit.len())]
    );
    println!("  git push --follow-tags");
    for release in &plan.releases {
        println!("  cargo publish -p {}", release.name);
    }
    Ok(())
}

/// Reads the repository and computes the plan.
fn prepare(args: &Args, root: &Path) -> Result<Plan> {
    let input = gather(root, args.bump.clone(), args.packages.clone())?;
    plan::plan(&input)
}

/// Everything the plan needs, from `cargo metadata`, the root manifest and git.
fn gather(root: &Path, bump: Option<Bump>, only: Vec<String>) -> Result<Input> {
    let metadata = cmd::metadata(root, true)?;
    let workspace_root = PathBuf::from(metadata["workspace_root"].as_str().unwrap_or_default());
    let packages = metadata["packages"].as_array().context("no packages")?;
    let publishable: BTreeSet<&str> = packages
        .iter()
        .filter(|package| {
            // `publish = false` shows as an empty list of registries.
            package["publish"]
                .as_array()
                .is_none_or(|registries| !registries.is_empty())
        })
        .filter_map(|package| package["name"].as_str())
        .collect();
    let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for package in packages {
        let name = package["name"].as_str().unwrap_or_default();
        for dep in workspace_deps(package, &publishable, |_| true) {
            let users = dependents.entry(dep.to_owned()).or_default();
            if dep != name && !users.iter().any(|user| user == name) {
                users.push(name.to_owned());
            }
        }
    }
    let tags: BTreeSet<String> = git(root, &["tag", "--list"])?
        .lines()
        .map(str::to_owned)
        .collect();
    let mut crates = Vec::new();
    for package in packages {
        let name = package["name"].as_str().unwrap_or_default();
        if !publishable.contains(name) {
            continue;
        }
        let manifest = Path::new(package["manifest_path"].as_str().unwrap_or_default());
        let dir = manifest
            .parent()
            .and_then(|dir| dir.strip_prefix(&workspace_root).ok())
            .with_context(|| format!("{name} is outside the workspace"))?
            .to_string_lossy()
            .replace('\\', "/");
        let last_tag = tags
            .iter()
            .filter_map(|tag| Version::parse(tag.strip_prefix(&format!("{name}-v"))?).ok())
            .max();
        let range = last_tag.as_ref().map_or_else(
            || "HEAD".to_owned(),
            |version| format!("{name}-v{version}..HEAD"),
        );
        let mut deps: Vec<String> = Vec::new();
        for dep in workspace_deps(package, &publishable, |kind| kind != "dev") {
            if !deps.iter().any(|known| known == dep) {
                deps.push(dep.to_owned());
            }
        }
        crates.push(CrateState {
            name: name.to_owned(),
            version: Version::parse(package["version"].as_str().unwrap_or_default())?,
            commits: commits(root, &range, &dir)?,
            dir,
            last_tag,
            deps,
        });
    }
    Ok(Input {
        crates,
        requirements: requirements(&fs::read_to_string(root.join("Cargo.toml"))?)?,
        dependents,
        tags,
        bump,
        only,
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
    })
}

/// The publishable workspace crates `package` depends on through a path, with a dependency
/// kind (`normal`, `build`, `dev`) that `kind` accepts.
fn workspace_deps<'a>(
    package: &'a Value,
    publishable: &BTreeSet<&str>,
    kind: impl Fn(&str) -> bool,
) -> impl Iterator<Item = &'a str> {
    let deps = package["dependencies"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    deps.iter()
        .filter(move |dep| {
            dep["path"].is_string() && kind(dep["kind"].as_str().unwrap_or("normal"))
        })
        .filter_map(|dep| dep["name"].as_str())
        .filter(|name| publishable.contains(name))
        .collect::<Vec<_>>()
        .into_iter()
}

/// `[workspace.dependencies]` entries that carry a `version`.
fn requirements(root_manifest: &str) -> Result<BTreeMap<String, String>> {
    let doc: DocumentMut = root_manifest
        .parse()
        .context("parsing the root Cargo.toml")?;
    let Some(deps) = doc
        .get("workspace")
        .and_then(|workspace| workspace.get("dependencies"))
        .and_then(Item::as_table_like)
    else {
        return Ok(BTreeMap::new());
    };
    Ok(deps
        .iter()
        .filter_map(|(name, entry)| {
            let version = entry.as_table_like()?.get("version")?.as_str()?;
            Some((name.to_owned(), version.to_owned()))
        })
        .collect())
}

/// The commits in `range` that touched `dir`, newest first.
fn commits(root: &Path, range: &str, dir: &str) -> Result<Vec<Commit>> {
    let log = git(
        root,
        &["log", "--format=%h%x1f%s%x1f%b%x1e", range, "--", dir],
    )?;
    Ok(log
        .split('\u{1e}')
        .filter_map(|record| {
            let mut fields = record.trim_start_matches('\n').splitn(3, '\u{1f}');
            let id = fields.next().filter(|id| !id.is_empty())?;
            Some(Commit::new(
                id,
                fields.next()?,
                fields.next().unwrap_or_default(),
            ))
        })
        .collect())
}

/// Fails unless `git status` shows nothing: no changes, no untracked files.
fn require_clean_tree(root: &Path) -> Result<()> {
    let status = git(root, &["status", "--porcelain"])?;
    if !status.trim().is_empty() {
        let count = status.lines().count();
        bail!(
            "the git tree is not clean ({count} changed or untracked path(s)); commit or \
             remove them first:\n{status}"
        );
    }
    Ok(())
}

/// The verification, run in the scratch worktree `dir`.
fn verify(dir: &Path, plan: &Plan, target: &Path) -> Result<()> {
    let target = target.to_string_lossy();
    let cargo = |args: &[&str]| {
        Cmd::cargo(dir)
            .env("CARGO_TARGET_DIR", &target)
            .args(args.iter().copied())
    };
    println!("\n==> release check: cargo xtask ci (in {})", dir.display());
    cargo(&["xtask", "ci"]).run()?;
    println!("\n==> release check: codegen check");
    codegen::check(dir)?;
    println!("\n==> release check: cargo package, dependencies first");
    let mut package = cargo(&["package", "--locked"]);
    for name in &plan.packages {
        package = package.args(["-p", name]);
    }
    package.run()?;
    println!("\n==> release check: semver");
    for release in &plan.releases {
        if release.reason == Reason::First {
            println!(
                "  {}: skipped, no earlier version of it is published (first release), so \
                 there is nothing to compare {} with",
                release.name, release.new
            );
        } else {
            cargo(&["semver-checks", "check-release", "-p", &release.name])
                .run()
                .context("semver check (needs `cargo install --locked cargo-semver-checks`)")?;
        }
    }
    Ok(())
}

/// Where the scratch worktree builds: `release-check/` inside the workspace's target
/// directory, kept between releases so later verifications reuse compiled dependencies.
///
/// Never the workspace's own target directory: cargo copies each binary it builds to
/// `debug/<name>` and may then take the workspace's build of it for fresh, so `cargo xtask`
/// (or `portalctl`) would go on running the scratch worktree's binary after the worktree
/// is gone.
fn verification_target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("release-check")
}

/// A detached worktree of `HEAD` in the temporary directory, removed when dropped.
#[derive(Debug)]
struct Scratch {
    /// The repository it belongs to.
    root: PathBuf,
    /// Where it is.
    path: PathBuf,
}

impl Scratch {
    /// Adds the worktree.
    fn create(root: &Path) -> Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "portal-users-release-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let shown = path.to_string_lossy().into_owned();
        git(
            root,
            &["worktree", "add", "--detach", "--quiet", &shown, "HEAD"],
        )?;
        Ok(Self {
            root: root.to_owned(),
            path,
        })
    }

    /// Writes the edits, refreshes `Cargo.lock` for the new versions, commits, and returns
    /// the commit's hash.
    fn commit(&self, edits: &[edit::FileEdit], message: &str) -> Result<String> {
        for (path, text) in edits {
            fs::write(self.path.join(path), text)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Cmd::cargo(&self.path)
            .args(["update", "--workspace", "--quiet"])
            .env(
                "CARGO_TARGET_DIR",
                &verification_target_dir(&self.root).to_string_lossy(),
            )
            .run()?;
        git(&self.path, &["add", "--all"])?;
        git(&self.path, &["commit", "--quiet", "-m", message])?;
        Ok(git(&self.path, &["rev-parse", "HEAD"])?.trim().to_owned())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let shown = self.path.to_string_lossy().into_owned();
        if let Err(err) = git(&self.root, &["worktree", "remove", "--force", &shown]) {
            eprintln!("warning: could not remove the scratch worktree {shown}: {err:#}");
        }
    }
}

/// Runs git in `dir` and returns its standard output; fails with its error output.
fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("could not start git")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    String::from_utf8(output.stdout).context("git printed invalid UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway git repository holding a small workspace, removed when dropped.
    struct Repo(PathBuf);

    impl Drop for Repo {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    impl Repo {
        fn write(&self, path: &str, text: &str) {
            let path = self.0.join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }

        fn git(&self, args: &[&str]) -> String {
            git(&self.0, args).unwrap()
        }

        fn commit(&self, path: &str, text: &str, message: &str) -> String {
            self.write(path, text);
            self.git(&["add", "--all"]);
            self.git(&["commit", "--quiet", "-m", message]);
            self.git(&["rev-parse", "--short", "HEAD"])
                .trim()
                .to_owned()
        }

        fn read(&self, path: &str) -> String {
            fs::read_to_string(self.0.join(path)).unwrap()
        }
    }

    fn package(name: &str, extra: &str) -> String {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             description = \"d\"\nlicense = \"MIT\"\n{extra}"
        )
    }

    /// `demo-core` (tagged) gets a breaking change and a fix, `demo-client` (tagged, depends
    /// on it) a docs change, `demo-extra` has never been tagged, `demo-tool` is not published.
    fn synthetic_repo() -> (Repo, [String; 3]) {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "xtask-release-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let repo = Repo(dir);
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo.git(&["config", "user.name", "Release Test"]);
        repo.git(&["config", "user.email", "release-test@example.com"]);
        repo.write(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"crates/*\"]\n\n\
             [workspace.dependencies]\n\
             demo-core = { path = \"crates/demo-core\", version = \"0.1.0\" }\n\
             demo-client = { path = \"crates/demo-client\", version = \"0.1.0\" }\n",
        );
        repo.write(".gitignore", "/target\n");
        let changelog = "# Changelog\n\n## [Unreleased]\n";
        for name in ["demo-core", "demo-client", "demo-extra", "demo-tool"] {
            let extra = match name {
                "demo-client" => "\n[dependencies]\ndemo-core.workspace = true\n",
                "demo-tool" => "publish = false\n\n[dependencies]\ndemo-client.workspace = true\n",
                _ => "",
            };
            repo.write(&format!("crates/{name}/Cargo.toml"), &package(name, extra));
            repo.write(&format!("crates/{name}/src/lib.rs"), "//! A crate.\n");
            repo.write(&format!("crates/{name}/CHANGELOG.md"), changelog);
        }
        repo.write(
            "crates/demo-client/CHANGELOG.md",
            "# Changelog\n\n## [Unreleased]\n\n- A note written by hand.\n\n## [0.1.0] - 2025-01-01\n\n- First.\n",
        );
        Cmd::cargo(&repo.0)
            .args(["generate-lockfile", "--offline"])
            .output()
            .unwrap();
        repo.commit("README.md", "demo\n", "chore: initial workspace");
        repo.git(&["tag", "demo-core-v0.1.0"]);
        repo.git(&["tag", "demo-client-v0.1.0"]);
        let breaking = repo.commit(
            "crates/demo-core/src/lib.rs",
            "//! A crate.\npub fn retry() {}\n",
            "feat(retry)!: replace the retry policy",
        );
        let fix = repo.commit(
            "crates/demo-core/src/extra.rs",
            "\n",
            "fix: decode empty bodies",
        );
        let docs = repo.commit(
            "crates/demo-client/src/lib.rs",
            "//! A crate with docs.\n",
            "docs: quickstart",
        );
        (repo, [breaking, fix, docs])
    }

    fn args(bump: Option<&str>, execute: bool) -> Args {
        Args {
            bump: bump.map(|bump| bump.parse().unwrap()),
            packages: Vec::new(),
            execute,
            dry_run: !execute,
            no_verify: !execute,
        }
    }

    #[test]
    fn dry_run_plans_versions_requirements_changelogs_and_tags() {
        let (repo, [breaking, fix, docs]) = synthetic_repo();
        let plan = prepare(&args(None, false), &repo.0).unwrap();
        let date = &plan.date;
        let shown = plan.to_string();
        let expected = format!(
            "crates to release (dependency order):
  demo-core                0.1.0 -> 0.2.0   2 commit(s) since the last tag
  demo-client              0.1.0 -> 0.2.0   1 commit(s) since the last tag
  demo-extra               0.1.0            first release (no tag yet)

requirements in [workspace.dependencies]:
  demo-core \"0.1.0\" -> \"0.2.0\" (used by demo-client)
  demo-client \"0.1.0\" -> \"0.2.0\" (used by demo-tool)

changelog entries:
  crates/demo-core/CHANGELOG.md: ## [0.2.0] - {date}
    ### Breaking changes
    - **retry**: replace the retry policy ({breaking})
    ### Fixed
    - decode empty bodies ({fix})
  crates/demo-client/CHANGELOG.md: ## [0.2.0] - {date}
    ### Documentation
    - quickstart ({docs})
    ### Dependencies
    - demo-core 0.1.0 -> 0.2.0
  crates/demo-extra/CHANGELOG.md: ## [0.1.0] - {date}
    (the [Unreleased] notes)

release commit: chore(release): demo-core 0.2.0, demo-client 0.2.0, demo-extra 0.1.0
tags: demo-core-v0.2.0 demo-client-v0.2.0 demo-extra-v0.1.0
"
        );
        assert_eq!(shown, expected);

        // The files the release would write, computed but not written.
        let edits = edit::edits(&plan, |path| Ok(repo.read(&path.to_string_lossy()))).unwrap();
        let edited = |path: &str| {
            edits
                .iter()
                .find(|(edited, _)| edited == Path::new(path))
                .map_or_else(|| panic!("{path} not edited"), |(_, text)| text.clone())
        };
        assert!(
            edited("Cargo.toml")
                .contains("demo-core = { path = \"crates/demo-core\", version = \"0.2.0\" }")
        );
        assert!(edited("crates/demo-client/Cargo.toml").contains("version = \"0.2.0\""));
        assert!(edited("crates/demo-client/CHANGELOG.md").contains(&format!(
            "## [Unreleased]\n\n## [0.2.0] - {date}\n\n- A note written by hand.\n\n\
             ### Documentation\n\n- quickstart ({docs})\n\n### Dependencies\n\n\
             - demo-core 0.1.0 -> 0.2.0\n\n## [0.1.0] - 2025-01-01"
        )));
        assert!(
            !edits
                .iter()
                .any(|(path, _)| path.starts_with("crates/demo-tool"))
        );

        // The dry run itself writes nothing.
        run(&args(None, false), &repo.0).unwrap();
        assert_eq!(repo.git(&["status", "--porcelain"]), "");
        assert_eq!(
            repo.git(&["tag", "--list"]),
            "demo-client-v0.1.0\ndemo-core-v0.1.0\n"
        );
    }

    #[test]
    fn a_failed_verification_writes_nothing() {
        let (repo, _) = synthetic_repo();
        let head = repo.git(&["rev-parse", "HEAD"]);
        // The synthetic workspace has no `cargo xtask`, so `cargo xtask ci` fails in the
        // scratch worktree after the edits were applied there.
        let err = run(&args(Some("major"), true), &repo.0).unwrap_err();
        assert!(format!("{err:#}").contains("cargo xtask ci"), "{err:#}");
        assert_eq!(repo.git(&["rev-parse", "HEAD"]), head);
        assert_eq!(repo.git(&["status", "--porcelain"]), "");
        assert_eq!(
            repo.git(&["tag", "--list"]),
            "demo-client-v0.1.0\ndemo-core-v0.1.0\n"
        );
        assert_eq!(repo.git(&["worktree", "list"]).lines().count(), 1);
        assert!(
            repo.read("crates/demo-core/Cargo.toml")
                .contains("version = \"0.1.0\"")
        );
    }

    #[test]
    fn cargo_xtask_runs_this_checkouts_build_after_a_release_verification() {
        let (repo, _) = synthetic_repo();
        // A stand-in `cargo xtask`: `ci` passes, `where` prints the directory it was built in.
        repo.write(
            ".cargo/config.toml",
            "[alias]\nxtask = \"run --quiet --package demo-tool --\"\n",
        );
        repo.commit(
            "crates/demo-tool/src/main.rs",
            "fn main() {\n    if std::env::args().nth(1).as_deref() == Some(\"where\") {\n        \
             println!(\"{}\", env!(\"CARGO_MANIFEST_DIR\"));\n    }\n}\n",
            "build: cargo xtask",
        );
        let built_in = || {
            Cmd::cargo(&repo.0)
                .args(["xtask", "where"])
                .output()
                .unwrap()
                .trim()
                .to_owned()
        };
        let here = repo
            .0
            .join("crates/demo-tool")
            .to_string_lossy()
            .into_owned();
        assert_eq!(built_in(), here);

        // A verified dry run builds and runs `cargo xtask ci` in a scratch worktree that is
        // removed afterwards.
        let verified = Args {
            packages: vec!["demo-extra".to_owned()],
            no_verify: false,
            ..args(None, false)
        };
        run(&verified, &repo.0).unwrap();
        assert_eq!(repo.git(&["worktree", "list"]).lines().count(), 1);
        assert_eq!(built_in(), here);
    }

    #[test]
    fn a_dirty_tree_stops_the_release_before_any_build() {
        let (repo, _) = synthetic_repo();
        repo.write("crates/demo-core/src/lib.rs", "//! Edited.\n");
        let err = run(&args(None, true), &repo.0).unwrap_err();
        assert!(
            err.to_string().contains("the git tree is not clean"),
            "{err:#}"
        );
        assert_eq!(repo.git(&["worktree", "list"]).lines().count(), 1);
    }
}
