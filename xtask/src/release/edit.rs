//! The file edits a release plan makes: versions in the crate manifests, requirements in
//! the root manifest, a new section in each changelog. Computed in full, as new file
//! contents, before anything is written.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

use anyhow::{Context, Result, bail};
use semver::Version;
use toml_edit::{DocumentMut, Item, TableLike, Value, value};

use super::{
    commits::Section,
    plan::{Plan, RequirementUpdate},
};

/// The heading hand-written notes wait under until the next release.
const UNRELEASED: &str = "## [Unreleased]";

/// A file's path relative to the workspace root, and its new contents.
pub(crate) type FileEdit = (PathBuf, String);

/// Every file the plan changes, with its new contents; `read` gives a file's current
/// contents from its path relative to the workspace root.
pub(crate) fn edits(plan: &Plan, read: impl Fn(&Path) -> Result<String>) -> Result<Vec<FileEdit>> {
    let mut edits = Vec::new();
    if !plan.requirements.is_empty() {
        let path = PathBuf::from("Cargo.toml");
        let text = root_manifest(&read(&path)?, &plan.requirements)?;
        edits.push((path, text));
    }
    for release in &plan.releases {
        let dir = Path::new(&release.dir);
        if release.new != release.old {
            let path = dir.join("Cargo.toml");
            let text = crate_manifest(&read(&path)?, &release.new)
                .with_context(|| format!("{}", path.display()))?;
            edits.push((path, text));
        }
        let path = dir.join("CHANGELOG.md");
        let text = changelog(&read(&path)?, &release.new, &plan.date, &release.changelog)
            .with_context(|| format!("{}", path.display()))?;
        edits.push((path, text));
    }
    Ok(edits)
}

/// A crate manifest with `package.version` set to `version`.
fn crate_manifest(text: &str, version: &Version) -> Result<String> {
    let mut doc: DocumentMut = text.parse()?;
    let Some(package) = doc.get_mut("package").and_then(Item::as_table_like_mut) else {
        bail!("no [package] table");
    };
    set_version(package, &version.to_string());
    Ok(doc.to_string())
}

/// The root manifest with the `version` of some `[workspace.dependencies]` entries raised.
fn root_manifest(text: &str, updates: &[RequirementUpdate]) -> Result<String> {
    let mut doc: DocumentMut = text.parse()?;
    for update in updates {
        let entry = doc
            .get_mut("workspace")
            .and_then(|workspace| workspace.get_mut("dependencies"))
            .and_then(|deps| deps.get_mut(&update.name))
            .and_then(Item::as_table_like_mut)
            .with_context(|| {
                format!("no [workspace.dependencies] table entry `{}`", update.name)
            })?;
        set_version(entry, &update.new);
    }
    Ok(doc.to_string())
}

/// Sets `version`, keeping the spacing and comments around an existing value.
fn set_version(table: &mut dyn TableLike, version: &str) {
    match table.get_mut("version").and_then(Item::as_value_mut) {
        Some(existing) => {
            let decor = existing.decor().clone();
            *existing = Value::from(version);
            *existing.decor_mut() = decor;
        }
        None => {
            table.insert("version", value(version));
        }
    }
}

/// The changelog with a `## [version] - date` section under `## [Unreleased]`, holding the
/// notes written under Unreleased so far and then the generated sections.
fn changelog(
    text: &str,
    version: &Version,
    date: &str,
    sections: &[(Section, Vec<String>)],
) -> Result<String> {
    let Some(start) = text.lines().position(|line| line.trim_end() == UNRELEASED) else {
        bail!("no `{UNRELEASED}` heading");
    };
    let lines: Vec<&str> = text.lines().collect();
    let end = lines[start + 1..]
        .iter()
        .position(|line| line.starts_with("## "))
        .map_or(lines.len(), |offset| start + 1 + offset);
    let notes = lines[start + 1..end].join("\n");
    let mut body = Vec::new();
    if !notes.trim().is_empty() {
        body.push(notes.trim().to_owned());
    }
    for (section, entries) in sections {
        let items: Vec<String> = entries.iter().map(|line| format!("- {line}")).collect();
        body.push(format!("### {}\n\n{}", section.title(), items.join("\n")));
    }
    if body.is_empty() {
        body.push("- No user-facing changes.".to_owned());
    }
    let mut out = lines[..=start].join("\n");
    let _ = write!(
        out,
        "\n\n## [{version}] - {date}\n\n{}\n",
        body.join("\n\n")
    );
    if end < lines.len() {
        out.push('\n');
        out.push_str(&lines[end..].join("\n"));
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_moves_unreleased_notes_into_the_new_section_above_older_ones() {
        let before = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n- Hand-written note.\n\n## [0.1.0] - 2025-01-01\n\n- First release.\n";
        let after = changelog(
            before,
            &Version::new(0, 2, 0),
            "2026-01-02",
            &[
                (
                    Section::Breaking,
                    vec!["**api**: rename (abc1234)".to_owned()],
                ),
                (Section::Fixed, vec!["a (1)".to_owned(), "b (2)".to_owned()]),
            ],
        )
        .unwrap();
        assert_eq!(
            after,
            "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n## [0.2.0] - 2026-01-02\n\n- Hand-written note.\n\n\
             ### Breaking changes\n\n- **api**: rename (abc1234)\n\n### Fixed\n\n- a (1)\n- b (2)\n\n\
             ## [0.1.0] - 2025-01-01\n\n- First release.\n"
        );
    }

    #[test]
    fn changelog_without_notes_or_entries_says_so_and_needs_the_heading() {
        let after = changelog(
            "# Changelog\n\n## [Unreleased]\n",
            &Version::new(1, 0, 1),
            "2026-01-02",
            &[],
        )
        .unwrap();
        assert_eq!(
            after,
            "# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - 2026-01-02\n\n- No user-facing changes.\n"
        );
        assert!(changelog("# Changelog\n", &Version::new(1, 0, 1), "d", &[]).is_err());
    }

    #[test]
    fn manifests_keep_their_formatting() {
        let krate =
            "[package]\nname = \"a\" # the name\nversion = \"0.1.0\"\nedition.workspace = true\n";
        assert_eq!(
            crate_manifest(krate, &Version::new(0, 2, 0)).unwrap(),
            "[package]\nname = \"a\" # the name\nversion = \"0.2.0\"\nedition.workspace = true\n"
        );
        let root = "[workspace.dependencies]\n# Ours.\na = { path = \"crates/a\", version = \"0.1.0\" }\nserde = \"1\"\n";
        let update = RequirementUpdate {
            name: "a".to_owned(),
            old: "0.1.0".to_owned(),
            new: "0.2.0".to_owned(),
            dependents: Vec::new(),
        };
        assert_eq!(
            root_manifest(root, std::slice::from_ref(&update)).unwrap(),
            "[workspace.dependencies]\n# Ours.\na = { path = \"crates/a\", version = \"0.2.0\" }\nserde = \"1\"\n"
        );
        let missing = RequirementUpdate {
            name: "b".to_owned(),
            ..update
        };
        assert!(root_manifest(root, &[missing]).is_err());
    }
}
