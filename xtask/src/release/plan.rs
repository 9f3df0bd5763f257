//! The release plan: which crates are released at which versions, which version
//! requirements change, what goes into each changelog and which tags are made. A pure
//! function of what was read from git and cargo, so every rule is unit-tested here.
//!
//! Rules:
//! - A crate is a candidate when it has commits since its last tag `<crate>-v<version>`,
//!   or no such tag at all (its first release, at the version its manifest has).
//! - Its new version is the bump asked for (`patch`, `minor`, `major`, or an exact
//!   version), else the smallest bump its conventional commits call for. A bump smaller
//!   than the commits need (a compatible version for a breaking change) is refused.
//! - A crate whose dependency is released at an incompatible version is released too, with
//!   an incompatible bump: the clients re-export `core-http`'s types, so such a change
//!   breaks their users as well. A compatible release of a dependency only raises the
//!   requirement in `[workspace.dependencies]`.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::{self, Write as _},
    str::FromStr,
};

use anyhow::{Result, bail, ensure};
use semver::Version;

use super::commits::{Commit, Level, Section, classify, compatible};

/// The version change asked for on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bump {
    /// `x.y.z+1`.
    Patch,
    /// `x.y+1.0`.
    Minor,
    /// `x+1.0.0`.
    Major,
    /// This very version.
    Exact(Version),
}

impl FromStr for Bump {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "patch" => Ok(Self::Patch),
            "minor" => Ok(Self::Minor),
            "major" => Ok(Self::Major),
            _ => Version::parse(text)
                .map(Self::Exact)
                .map_err(|err| format!("expected patch, minor, major or a version: {err}")),
        }
    }
}

impl Bump {
    /// The version after `old`.
    fn apply(&self, old: &Version) -> Version {
        match self {
            Self::Patch => Version::new(old.major, old.minor, old.patch + 1),
            Self::Minor => Version::new(old.major, old.minor + 1, 0),
            Self::Major => Version::new(old.major + 1, 0, 0),
            Self::Exact(version) => version.clone(),
        }
    }
}

/// A publishable workspace crate, as found in the repository.
#[derive(Debug, Clone)]
pub(crate) struct CrateState {
    /// Package name.
    pub(crate) name: String,
    /// Directory relative to the workspace root, e.g. `crates/sandbox`.
    pub(crate) dir: String,
    /// The version in its manifest.
    pub(crate) version: Version,
    /// The highest version tagged `<name>-v<version>`, if any.
    pub(crate) last_tag: Option<Version>,
    /// Commits touching `dir` since that tag, newest first (all of them when untagged).
    pub(crate) commits: Vec<Commit>,
    /// Publishable workspace crates it needs to build (normal and build dependencies).
    pub(crate) deps: Vec<String>,
}

/// Everything the plan is computed from.
#[derive(Debug, Clone)]
pub(crate) struct Input {
    /// The publishable crates, in workspace order.
    pub(crate) crates: Vec<CrateState>,
    /// `[workspace.dependencies]` entries with a `version`: name -> requirement.
    pub(crate) requirements: BTreeMap<String, String>,
    /// For each crate, every workspace package that depends on it (any kind).
    pub(crate) dependents: BTreeMap<String, Vec<String>>,
    /// Every tag in the repository.
    pub(crate) tags: BTreeSet<String>,
    /// The bump asked for, if any.
    pub(crate) bump: Option<Bump>,
    /// Only these crates count as changed (empty: every crate).
    pub(crate) only: Vec<String>,
    /// The release date, `YYYY-MM-DD`.
    pub(crate) date: String,
}

/// Why a crate is released.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    /// No tag yet.
    First,
    /// Commits since the last tag.
    Changed {
        /// How many.
        commits: usize,
    },
    /// Only because these dependencies are released at incompatible versions.
    Dependencies(Vec<String>),
}

/// One crate to release.
#[derive(Debug, Clone)]
pub(crate) struct Release {
    /// Package name.
    pub(crate) name: String,
    /// Directory relative to the workspace root.
    pub(crate) dir: String,
    /// Version now.
    pub(crate) old: Version,
    /// Version released.
    pub(crate) new: Version,
    /// Why.
    pub(crate) reason: Reason,
    /// Changelog sections, in order, each with its lines.
    pub(crate) changelog: Vec<(Section, Vec<String>)>,
    /// The tag made for it.
    pub(crate) tag: String,
}

/// A requirement in `[workspace.dependencies]` raised to a released version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequirementUpdate {
    /// The dependency.
    pub(crate) name: String,
    /// Requirement now.
    pub(crate) old: String,
    /// Requirement after the release.
    pub(crate) new: String,
    /// The workspace packages that use it.
    pub(crate) dependents: Vec<String>,
}

/// The whole release.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Crates to release, dependencies first.
    pub(crate) releases: Vec<Release>,
    /// Requirements to raise.
    pub(crate) requirements: Vec<RequirementUpdate>,
    /// Crates left alone, with their version.
    pub(crate) unchanged: Vec<(String, Version)>,
    /// Every publishable crate, dependencies first: the order to package and publish in.
    pub(crate) packages: Vec<String>,
    /// The release date.
    pub(crate) date: String,
}

impl Plan {
    /// The release commit's message.
    pub(crate) fn commit_message(&self) -> String {
        let names: Vec<String> = self
            .releases
            .iter()
            .map(|release| format!("{} {}", release.name, release.new))
            .collect();
        format!("chore(release): {}", names.join(", "))
    }
}

/// Computes the release plan.
pub(crate) fn plan(input: &Input) -> Result<Plan> {
    let known: BTreeSet<&str> = input.crates.iter().map(|c| c.name.as_str()).collect();
    for name in &input.only {
        ensure!(
            known.contains(name.as_str()),
            "`{name}` is not a publishable crate of this workspace (known: {})",
            known.iter().copied().collect::<Vec<_>>().join(", ")
        );
    }
    let mut releases: Vec<Release> = Vec::new();
    let mut unchanged = Vec::new();
    let ordered = dependency_order(&input.crates)?;
    for &krate in &ordered {
        if let Some(tagged) = &krate.last_tag {
            ensure!(
                *tagged == krate.version,
                "{}: Cargo.toml says {} but the last release tag is {}-v{tagged}; make them agree first",
                krate.name,
                krate.version,
                krate.name
            );
        }
        let selected = input.only.is_empty() || input.only.contains(&krate.name);
        let changed = selected && (krate.last_tag.is_none() || !krate.commits.is_empty());
        let released_deps: Vec<&Release> = krate
            .deps
            .iter()
            .filter_map(|dep| releases.iter().find(|release| &release.name == dep))
            .collect();
        let broken_by: Vec<String> = released_deps
            .iter()
            .filter(|release| !compatible(&release.old, &release.new))
            .map(|release| release.name.clone())
            .collect();
        if !changed && broken_by.is_empty() {
            unchanged.push((krate.name.clone(), krate.version.clone()));
            continue;
        }
        let reason = if krate.last_tag.is_none() {
            Reason::First
        } else if changed {
            Reason::Changed {
                commits: krate.commits.len(),
            }
        } else {
            Reason::Dependencies(broken_by.clone())
        };
        let new = new_version(krate, &reason, !broken_by.is_empty(), input.bump.as_ref())?;
        let tag = format!("{}-v{new}", krate.name);
        ensure!(
            !input.tags.contains(&tag),
            "{}: tag {tag} already exists; choose another version",
            krate.name
        );
        let mut changelog = if reason == Reason::First {
            // History before the first release is development, not release notes: the
            // hand-written [Unreleased] notes describe the first version.
            BTreeMap::new()
        } else {
            commit_sections(&krate.commits)
        };
        for dep in released_deps.iter().filter(|dep| dep.old != dep.new) {
            changelog
                .entry(Section::Dependencies)
                .or_insert_with(Vec::new)
                .push(format!("{} {} -> {}", dep.name, dep.old, dep.new));
        }
        releases.push(Release {
            name: krate.name.clone(),
            dir: krate.dir.clone(),
            old: krate.version.clone(),
            new,
            reason,
            changelog: changelog.into_iter().collect(),
            tag,
        });
    }
    let requirements = releases
        .iter()
        .filter_map(|release| {
            let old = input.requirements.get(&release.name)?;
            let new = release.new.to_string();
            (*old != new).then(|| RequirementUpdate {
                name: release.name.clone(),
                old: old.clone(),
                new,
                dependents: input
                    .dependents
                    .get(&release.name)
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect();
    Ok(Plan {
        releases,
        requirements,
        unchanged,
        packages: ordered.iter().map(|krate| krate.name.clone()).collect(),
        date: input.date.clone(),
    })
}

/// The version a crate is released at.
fn new_version(
    krate: &CrateState,
    reason: &Reason,
    dependency_broke: bool,
    bump: Option<&Bump>,
) -> Result<Version> {
    let old = &krate.version;
    if *reason == Reason::First {
        // Nothing published yet: the manifest's version, unless an exact one is given.
        return Ok(match bump {
            Some(Bump::Exact(version)) => version.clone(),
            _ => old.clone(),
        });
    }
    let mut needed = Level::Fix;
    let mut breaking_commits = Vec::new();
    for commit in &krate.commits {
        let classified = classify(commit);
        if classified.breaking {
            needed = Level::Breaking;
            breaking_commits.push(commit.id.clone());
        } else if classified.feature {
            needed = needed.max(Level::Feature);
        }
    }
    if dependency_broke {
        needed = Level::Breaking;
    }
    let new = match (bump, reason) {
        // A release forced by a dependency takes the smallest bump that is correct.
        (Some(Bump::Exact(version)), _) => version.clone(),
        (Some(bump), Reason::Changed { .. }) => bump.apply(old),
        _ => needed.next(old),
    };
    if new <= *old {
        bail!("{}: the new version {new} is not above {old}", krate.name);
    }
    if needed == Level::Breaking && compatible(old, &new) {
        let why = if breaking_commits.is_empty() {
            "a dependency is released at an incompatible version".to_owned()
        } else {
            format!("breaking changes in {}", breaking_commits.join(", "))
        };
        bail!(
            "{}: {why}, so {old} -> {new} (a compatible version) would break its users; \
             use at least {}",
            krate.name,
            Level::Breaking.next(old)
        );
    }
    Ok(new)
}

/// The changelog sections of the commits, each line once, oldest first.
fn commit_sections(commits: &[Commit]) -> BTreeMap<Section, Vec<String>> {
    let mut sections: BTreeMap<Section, Vec<String>> = BTreeMap::new();
    for commit in commits.iter().rev() {
        let classified = classify(commit);
        if let Some(section) = classified.section {
            sections.entry(section).or_default().push(classified.line);
        }
    }
    sections
}

/// The crates with each one after the crates it depends on; workspace order otherwise.
fn dependency_order(crates: &[CrateState]) -> Result<Vec<&CrateState>> {
    let mut ordered: Vec<&CrateState> = Vec::with_capacity(crates.len());
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    while ordered.len() < crates.len() {
        let next = crates.iter().find(|krate| {
            !placed.contains(krate.name.as_str())
                && krate.deps.iter().all(|dep| {
                    placed.contains(dep.as_str()) || !crates.iter().any(|c| &c.name == dep)
                })
        });
        let Some(next) = next else {
            bail!("the publishable crates depend on each other in a cycle");
        };
        placed.insert(&next.name);
        ordered.push(next);
    }
    Ok(ordered)
}

impl fmt::Display for Plan {
    /// The plan as printed by `cargo xtask release`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.releases.is_empty() {
            return writeln!(f, "nothing to release: no crate changed since its last tag");
        }
        writeln!(f, "crates to release (dependency order):")?;
        for release in &self.releases {
            let why = match &release.reason {
                Reason::First => "first release (no tag yet)".to_owned(),
                Reason::Changed { commits } => format!("{commits} commit(s) since the last tag"),
                Reason::Dependencies(deps) => format!("needs the new {}", deps.join(", ")),
            };
            let versions = if release.old == release.new {
                format!("{}", release.new)
            } else {
                format!("{} -> {}", release.old, release.new)
            };
            writeln!(f, "  {:<24} {versions:<16} {why}", release.name)?;
        }
        for (name, version) in &self.unchanged {
            writeln!(f, "  {name:<24} {version:<16} unchanged")?;
        }
        if !self.requirements.is_empty() {
            writeln!(f, "\nrequirements in [workspace.dependencies]:")?;
            for update in &self.requirements {
                writeln!(
                    f,
                    "  {} \"{}\" -> \"{}\" (used by {})",
                    update.name,
                    update.old,
                    update.new,
                    update.dependents.join(", ")
                )?;
            }
        }
        writeln!(f, "\nchangelog entries:")?;
        for release in &self.releases {
            writeln!(
                f,
                "  {}/CHANGELOG.md: ## [{}] - {}",
                release.dir, release.new, self.date
            )?;
            if release.reason == Reason::First {
                writeln!(f, "    (the [Unreleased] notes)")?;
            }
            for (section, lines) in &release.changelog {
                writeln!(f, "    ### {}", section.title())?;
                for line in lines {
                    writeln!(f, "    - {line}")?;
                }
            }
        }
        let mut tags = String::new();
        for release in &self.releases {
            let _ = write!(tags, " {}", release.tag);
        }
        writeln!(f, "\nrelease commit: {}", self.commit_message())?;
        writeln!(f, "tags:{tags}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn krate(
        name: &str,
        version: &str,
        tag: Option<&str>,
        subjects: &[&str],
        deps: &[&str],
    ) -> CrateState {
        CrateState {
            name: name.to_owned(),
            dir: format!("crates/{name}"),
            version: v(version),
            last_tag: tag.map(v),
            commits: subjects
                .iter()
                .enumerate()
                .map(|(i, subject)| Commit::new(&format!("c{i}"), subject, ""))
                .collect(),
            deps: deps.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    fn input(crates: Vec<CrateState>, bump: Option<Bump>) -> Input {
        let requirements = crates
            .iter()
            .map(|c| (c.name.clone(), c.version.to_string()))
            .collect();
        let mut dependents: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in &crates {
            for dep in &c.deps {
                dependents
                    .entry(dep.clone())
                    .or_default()
                    .push(c.name.clone());
            }
        }
        Input {
            crates,
            requirements,
            dependents,
            tags: BTreeSet::new(),
            bump,
            only: Vec::new(),
            date: "2026-01-02".to_owned(),
        }
    }

    fn versions(plan: &Plan) -> Vec<(String, String, String)> {
        plan.releases
            .iter()
            .map(|r| (r.name.clone(), r.old.to_string(), r.new.to_string()))
            .collect()
    }

    fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
        items
            .iter()
            .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
            .collect()
    }

    #[test]
    fn untagged_crates_are_first_releases_at_their_manifest_version() {
        let plan = plan(&input(
            vec![
                krate("core", "0.1.0", None, &["feat: x"], &[]),
                krate("client", "0.1.0", None, &[], &["core"]),
            ],
            Some(Bump::Minor),
        ))
        .unwrap();
        assert_eq!(
            versions(&plan),
            owned(&[("core", "0.1.0", "0.1.0"), ("client", "0.1.0", "0.1.0")])
        );
        assert!(
            plan.releases
                .iter()
                .all(|r| r.reason == Reason::First && r.changelog.is_empty())
        );
        assert!(plan.requirements.is_empty());
        assert_eq!(plan.releases[1].tag, "client-v0.1.0");
        assert_eq!(plan.packages, ["core", "client"]);
    }

    #[test]
    fn the_bump_follows_the_commits_when_none_is_given() {
        let plan = plan(&input(
            vec![
                krate(
                    "fixes",
                    "0.1.0",
                    Some("0.1.0"),
                    &["fix: a", "chore: b"],
                    &[],
                ),
                krate(
                    "features",
                    "1.2.0",
                    Some("1.2.0"),
                    &["feat: a", "fix: b"],
                    &[],
                ),
                krate("breaks", "1.2.0", Some("1.2.0"), &["refactor!: a"], &[]),
                krate("quiet", "0.3.0", Some("0.3.0"), &[], &[]),
            ],
            None,
        ))
        .unwrap();
        assert_eq!(
            versions(&plan),
            owned(&[
                ("fixes", "0.1.0", "0.1.1"),
                ("features", "1.2.0", "1.3.0"),
                ("breaks", "1.2.0", "2.0.0")
            ])
        );
        assert_eq!(plan.unchanged, [("quiet".to_owned(), v("0.3.0"))]);
    }

    #[test]
    fn compatible_dependency_releases_raise_requirements_only() {
        let mut input = input(
            vec![
                krate(
                    "core",
                    "0.1.0",
                    Some("0.1.0"),
                    &["fix(retry): honour Retry-After"],
                    &[],
                ),
                krate("client", "0.1.0", Some("0.1.0"), &[], &["core"]),
            ],
            Some(Bump::Patch),
        );
        input
            .dependents
            .get_mut("core")
            .unwrap()
            .push("benchmarks".to_owned());
        let plan = plan(&input).unwrap();
        assert_eq!(versions(&plan), owned(&[("core", "0.1.0", "0.1.1")]));
        assert_eq!(
            plan.requirements,
            [RequirementUpdate {
                name: "core".to_owned(),
                old: "0.1.0".to_owned(),
                new: "0.1.1".to_owned(),
                dependents: vec!["client".to_owned(), "benchmarks".to_owned()],
            }]
        );
        assert_eq!(
            plan.releases[0].changelog,
            [(
                Section::Fixed,
                vec!["**retry**: honour Retry-After (c0)".to_owned()]
            )]
        );
    }

    #[test]
    fn incompatible_dependency_releases_release_dependents_incompatibly() {
        let plan = plan(&input(
            vec![
                krate("client", "0.1.0", Some("0.1.0"), &[], &["core"]),
                krate(
                    "core",
                    "0.1.0",
                    Some("0.1.0"),
                    &["feat!: new error type"],
                    &[],
                ),
                krate("cli", "1.0.0", Some("1.0.0"), &["fix: typo"], &["client"]),
            ],
            None,
        ))
        .unwrap();
        assert_eq!(
            versions(&plan),
            owned(&[
                ("core", "0.1.0", "0.2.0"),
                ("client", "0.1.0", "0.2.0"),
                ("cli", "1.0.0", "2.0.0")
            ])
        );
        assert_eq!(
            plan.releases[1].reason,
            Reason::Dependencies(vec!["core".to_owned()])
        );
        assert_eq!(
            plan.releases[1].changelog,
            [(
                Section::Dependencies,
                vec!["core 0.1.0 -> 0.2.0".to_owned()]
            )]
        );
        assert_eq!(
            plan.commit_message(),
            "chore(release): core 0.2.0, client 0.2.0, cli 2.0.0"
        );
    }

    #[test]
    fn a_compatible_bump_for_a_breaking_change_is_refused() {
        let err = plan(&input(
            vec![krate(
                "core",
                "0.1.0",
                Some("0.1.0"),
                &["fix!: stricter"],
                &[],
            )],
            Some(Bump::Patch),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("use at least 0.2.0"), "{err}");
    }

    #[test]
    fn stale_tags_existing_tags_and_unknown_crates_are_refused() {
        let err = plan(&input(
            vec![krate("core", "0.2.0", Some("0.1.0"), &["fix: a"], &[])],
            None,
        ))
        .unwrap_err();
        assert!(
            err.to_string().contains("last release tag is core-v0.1.0"),
            "{err}"
        );

        let mut tagged = input(
            vec![krate("core", "0.1.0", Some("0.1.0"), &["fix: a"], &[])],
            None,
        );
        tagged.tags.insert("core-v0.1.1".to_owned());
        assert!(
            plan(&tagged)
                .unwrap_err()
                .to_string()
                .contains("core-v0.1.1 already exists")
        );

        let mut unknown = input(vec![krate("core", "0.1.0", None, &[], &[])], None);
        unknown.only.push("nope".to_owned());
        assert!(
            plan(&unknown)
                .unwrap_err()
                .to_string()
                .contains("`nope` is not a publishable crate")
        );
    }

    #[test]
    fn only_limits_the_changed_crates() {
        let mut input = input(
            vec![
                krate("a", "0.1.0", Some("0.1.0"), &["fix: a"], &[]),
                krate("b", "0.1.0", Some("0.1.0"), &["fix: b"], &[]),
            ],
            None,
        );
        input.only.push("b".to_owned());
        let plan = plan(&input).unwrap();
        assert_eq!(versions(&plan), owned(&[("b", "0.1.0", "0.1.1")]));
    }

    #[test]
    fn exact_versions_and_bump_parsing() {
        assert_eq!("patch".parse::<Bump>(), Ok(Bump::Patch));
        assert_eq!("1.0.0".parse::<Bump>(), Ok(Bump::Exact(v("1.0.0"))));
        assert!("1.0".parse::<Bump>().is_err());

        let plan_exact = plan(&input(
            vec![krate("core", "0.1.0", Some("0.1.0"), &["fix: a"], &[])],
            Some(Bump::Exact(v("1.0.0"))),
        ))
        .unwrap();
        assert_eq!(versions(&plan_exact), owned(&[("core", "0.1.0", "1.0.0")]));
        let backwards = plan(&input(
            vec![krate("core", "0.1.0", Some("0.1.0"), &["fix: a"], &[])],
            Some(Bump::Exact(v("0.1.0"))),
        ));
        assert!(
            backwards
                .unwrap_err()
                .to_string()
                .contains("is not above 0.1.0")
        );
    }

    #[test]
    fn dependency_cycles_are_reported() {
        let err = plan(&input(
            vec![
                krate("a", "0.1.0", None, &[], &["b"]),
                krate("b", "0.1.0", None, &[], &["a"]),
            ],
            None,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("cycle"));
    }
}
