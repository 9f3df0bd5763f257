//! Conventional commits (`type(scope)!: description`, `BREAKING CHANGE:` footers) and the
//! changelog sections they make.

use semver::Version;

/// One commit that touched a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Commit {
    /// Abbreviated hash.
    pub(crate) id: String,
    /// First line of the message.
    pub(crate) subject: String,
    /// The rest of the message.
    pub(crate) body: String,
}

impl Commit {
    /// A commit from its hash, subject and body.
    pub(crate) fn new(id: &str, subject: &str, body: &str) -> Self {
        Self {
            id: id.to_owned(),
            subject: subject.to_owned(),
            body: body.to_owned(),
        }
    }
}

/// The changelog section a commit belongs to, in the order sections are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Section {
    /// `!` after the type, or a `BREAKING CHANGE:` footer, whatever the type.
    Breaking,
    /// `feat`.
    Added,
    /// `fix`.
    Fixed,
    /// `perf`.
    Performance,
    /// `refactor`.
    Changed,
    /// `docs`.
    Documentation,
    /// Dependencies released together with the crate (not from a commit).
    Dependencies,
    /// Any other type, and messages that are not conventional commits.
    Other,
}

impl Section {
    /// The heading written in the changelog.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Self::Breaking => "Breaking changes",
            Self::Added => "Added",
            Self::Fixed => "Fixed",
            Self::Performance => "Performance",
            Self::Changed => "Changed",
            Self::Documentation => "Documentation",
            Self::Dependencies => "Dependencies",
            Self::Other => "Other",
        }
    }
}

/// Commit types that never reach a changelog: they change nothing a user of the crate sees.
const SILENT_TYPES: [&str; 5] = ["chore", "ci", "test", "build", "style"];

/// What a commit means for a release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classified {
    /// Where it is listed; `None` for the silent types.
    pub(crate) section: Option<Section>,
    /// It breaks users of the crate.
    pub(crate) breaking: bool,
    /// It adds a feature (`feat`).
    pub(crate) feature: bool,
    /// The changelog line: the description, with the scope in bold, and the hash.
    pub(crate) line: String,
}

/// Reads a commit as a conventional commit; other messages land in [`Section::Other`].
pub(crate) fn classify(commit: &Commit) -> Classified {
    let footer_breaking = commit
        .body
        .lines()
        .any(|line| line.starts_with("BREAKING CHANGE:") || line.starts_with("BREAKING-CHANGE:"));
    let Some((kind, scope, bang, description)) = conventional(&commit.subject) else {
        return Classified {
            section: Some(if footer_breaking {
                Section::Breaking
            } else {
                Section::Other
            }),
            breaking: footer_breaking,
            feature: false,
            line: format!("{} ({})", commit.subject.trim(), commit.id),
        };
    };
    let breaking = bang || footer_breaking;
    let section = if breaking {
        Some(Section::Breaking)
    } else {
        match kind {
            "feat" => Some(Section::Added),
            "fix" => Some(Section::Fixed),
            "perf" => Some(Section::Performance),
            "refactor" => Some(Section::Changed),
            "docs" => Some(Section::Documentation),
            silent if SILENT_TYPES.contains(&silent) => None,
            _ => Some(Section::Other),
        }
    };
    let line = match scope {
        Some(scope) => format!("**{scope}**: {description} ({})", commit.id),
        None => format!("{description} ({})", commit.id),
    };
    Classified {
        section,
        breaking,
        feature: kind == "feat",
        line,
    }
}

/// Splits `type(scope)!: description`; `None` when the subject is not in that form.
fn conventional(subject: &str) -> Option<(&str, Option<&str>, bool, &str)> {
    let (head, description) = subject.split_once(": ")?;
    let (head, bang) = match head.strip_suffix('!') {
        Some(head) => (head, true),
        None => (head, false),
    };
    let (kind, scope) = match head.split_once('(') {
        Some((kind, rest)) => {
            let scope = rest.strip_suffix(')')?;
            if scope.is_empty() || scope.contains(['(', ')']) {
                return None;
            }
            (kind, Some(scope))
        }
        None => (head, None),
    };
    let valid_kind = !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_lowercase());
    let description = description.trim();
    (valid_kind && !description.is_empty()).then_some((kind, scope, bang, description))
}

/// The smallest change to a version that the commits call for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Fixes and other compatible changes.
    Fix,
    /// New features.
    Feature,
    /// Changes that break users.
    Breaking,
}

impl Level {
    /// The next version after `version` for this level, with Cargo's reading of `0.x`
    /// versions: below 1.0 a breaking change bumps the minor number and a feature the patch.
    pub(crate) fn next(self, version: &Version) -> Version {
        let (major, minor, patch) = (version.major, version.minor, version.patch);
        match (self, major) {
            (Self::Breaking, 0) => Version::new(0, minor + 1, 0),
            (Self::Breaking, _) => Version::new(major + 1, 0, 0),
            (Self::Feature, 0) | (Self::Fix, _) => Version::new(major, minor, patch + 1),
            (Self::Feature, _) => Version::new(major, minor + 1, 0),
        }
    }
}

/// Whether Cargo treats `new` as compatible with `old` (a caret requirement on `old`
/// accepts it): same major; below 1.0 same minor; below 0.1 the very same version.
pub(crate) fn compatible(old: &Version, new: &Version) -> bool {
    if old.major > 0 {
        old.major == new.major
    } else if old.minor > 0 {
        new.major == 0 && old.minor == new.minor
    } else {
        new.major == 0 && new.minor == 0 && old.patch == new.patch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_subject(subject: &str) -> Classified {
        classify(&Commit::new("abc1234", subject, ""))
    }

    #[test]
    fn conventional_types_map_to_their_sections() {
        let cases = [
            ("feat: list users", Some(Section::Added)),
            ("fix(users): decode nulls", Some(Section::Fixed)),
            ("perf: reuse buffers", Some(Section::Performance)),
            ("refactor: split client", Some(Section::Changed)),
            ("docs: quickstart", Some(Section::Documentation)),
            ("revert: undo x", Some(Section::Other)),
            ("chore(release): core-http 0.1.1", None),
            ("ci: cache", None),
            ("test: more cases", None),
        ];
        for (subject, section) in cases {
            assert_eq!(classify_subject(subject).section, section, "{subject}");
        }
    }

    #[test]
    fn bang_and_footer_mark_breaking_changes() {
        let bang = classify_subject("feat(api)!: rename Client::get");
        assert!(bang.breaking && bang.feature);
        assert_eq!(bang.section, Some(Section::Breaking));
        assert_eq!(bang.line, "**api**: rename Client::get (abc1234)");

        let footer = classify(&Commit::new(
            "def5678",
            "fix: stricter emails",
            "Longer text.\n\nBREAKING CHANGE: emails without a dot are refused",
        ));
        assert!(footer.breaking);
        assert_eq!(footer.section, Some(Section::Breaking));
        assert!(!classify_subject("fix: mention BREAKING CHANGE: in passing").breaking);
    }

    #[test]
    fn other_messages_are_kept_whole() {
        for subject in [
            "Fix an ambiguous doc link",
            "feat:missing space",
            "Feat: capitalised type",
            "fix(): empty scope",
            "feat(a(b)): nested",
            "feat: ",
        ] {
            let classified = classify_subject(subject);
            assert_eq!(classified.section, Some(Section::Other), "{subject}");
            assert_eq!(classified.line, format!("{} (abc1234)", subject.trim()));
        }
    }

    #[test]
    fn levels_follow_cargo_semver_below_and_above_one() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(Level::Fix.next(&v("0.1.0")), v("0.1.1"));
        assert_eq!(Level::Feature.next(&v("0.1.0")), v("0.1.1"));
        assert_eq!(Level::Breaking.next(&v("0.1.3")), v("0.2.0"));
        assert_eq!(Level::Fix.next(&v("1.2.3")), v("1.2.4"));
        assert_eq!(Level::Feature.next(&v("1.2.3")), v("1.3.0"));
        assert_eq!(Level::Breaking.next(&v("1.2.3")), v("2.0.0"));
    }

    #[test]
    fn compatibility_is_cargo_caret_matching() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(compatible(&v("0.1.0"), &v("0.1.5")));
        assert!(!compatible(&v("0.1.0"), &v("0.2.0")));
        assert!(!compatible(&v("0.0.1"), &v("0.0.2")));
        assert!(compatible(&v("1.2.0"), &v("1.9.0")));
        assert!(!compatible(&v("1.2.0"), &v("2.0.0")));
        assert!(!compatible(&v("0.9.0"), &v("1.0.0")));
    }
}
