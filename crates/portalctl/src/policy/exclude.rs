//! Accounts a policy never acts on: a break-glass list, and exclusions by email or user
//! name pattern, group, role or API-only. Each excluded account carries the rule that
//! excluded it, with its policy line.
//!
//! Patterns are globs (`*` any run of characters, `?` one character) matched without
//! regard to case; groups, roles and break-glass entries (an email or a user name) are
//! matched whole, without regard to case.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::account::Account;
use super::file::{Located, PolicyError};

/// Which kind of exclusion matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExclusionRule {
    /// An entry of `[break_glass] accounts`.
    BreakGlass,
    /// A pattern of `[exclude] emails`.
    Email,
    /// A pattern of `[exclude] usernames`.
    Username,
    /// A group of `[exclude] groups`.
    Group,
    /// A role of `[exclude] roles`.
    Role,
    /// `[exclude] api_only = true`.
    ApiOnly,
}

/// Why an account is left alone: the rule, the entry that matched and its policy line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    /// The kind of rule.
    pub rule: ExclusionRule,
    /// The entry that matched (the pattern, group, role or name).
    pub entry: String,
    /// The policy line of the entry.
    pub line: usize,
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.rule {
            ExclusionRule::BreakGlass => "break-glass account",
            ExclusionRule::Email => "email pattern",
            ExclusionRule::Username => "username pattern",
            ExclusionRule::Group => "excluded group",
            ExclusionRule::Role => "excluded role",
            ExclusionRule::ApiOnly => {
                return write!(f, "API-only accounts excluded (policy line {})", self.line);
            }
        };
        write!(f, "{what} `{}` (policy line {})", self.entry, self.line)
    }
}

/// `[exclude]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExclude {
    #[serde(default)]
    emails: Vec<Spanned<String>>,
    #[serde(default)]
    usernames: Vec<Spanned<String>>,
    #[serde(default)]
    groups: Vec<Spanned<String>>,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
    api_only: Option<Spanned<bool>>,
}

/// `[break_glass]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBreakGlass {
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
}

/// The checked exclusions, entries lower-cased.
#[derive(Debug, Clone, Default)]
pub(super) struct Exclusions {
    break_glass: Vec<Located<String>>,
    emails: Vec<Located<String>>,
    usernames: Vec<Located<String>>,
    groups: Vec<Located<String>>,
    roles: Vec<Located<String>>,
    api_only: Option<usize>,
}

impl Exclusions {
    pub(super) fn new(
        exclude: RawExclude,
        break_glass: RawBreakGlass,
        at: &dyn Fn(Range<usize>) -> usize,
    ) -> Result<Self, PolicyError> {
        let entries = |list: Vec<Spanned<String>>, what: &str| {
            list.into_iter()
                .map(|entry| {
                    let line = at(entry.span());
                    let value = entry.into_inner().trim().to_lowercase();
                    if value.is_empty() {
                        return Err(PolicyError {
                            lines: vec![line],
                            message: format!("an empty {what} excludes nothing"),
                        });
                    }
                    Ok(Located { value, line })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            break_glass: entries(break_glass.accounts, "break-glass entry")?,
            emails: entries(exclude.emails, "email pattern")?,
            usernames: entries(exclude.usernames, "username pattern")?,
            groups: entries(exclude.groups, "group")?,
            roles: entries(exclude.roles, "role")?,
            api_only: exclude
                .api_only
                .filter(|flag| *flag.get_ref())
                .map(|flag| at(flag.span())),
        })
    }

    /// The first rule that excludes the account, checked in the order break-glass,
    /// API-only, email, username, group, role.
    pub(super) fn exclusion(&self, account: &Account) -> Option<Exclusion> {
        let no_rules = [
            &self.break_glass,
            &self.emails,
            &self.usernames,
            &self.groups,
            &self.roles,
        ]
        .iter()
        .all(|entries| entries.is_empty());
        if no_rules && self.api_only.is_none() {
            return None;
        }
        let email = account.email.as_deref().map(str::to_lowercase);
        let username = account.username.as_deref().map(str::to_lowercase);
        let found = |rule: ExclusionRule, entry: &Located<String>| Exclusion {
            rule,
            entry: entry.value.clone(),
            line: entry.line,
        };
        let named = |entry: &&Located<String>| {
            email.as_deref() == Some(entry.value.as_str())
                || username.as_deref() == Some(entry.value.as_str())
        };
        if let Some(entry) = self.break_glass.iter().find(named) {
            return Some(found(ExclusionRule::BreakGlass, entry));
        }
        if let Some(line) = self.api_only.filter(|_| account.api_only) {
            return Some(Exclusion {
                rule: ExclusionRule::ApiOnly,
                entry: "api_only".to_owned(),
                line,
            });
        }
        if let Some(entry) = matching(&self.emails, email.as_deref()) {
            return Some(found(ExclusionRule::Email, entry));
        }
        if let Some(entry) = matching(&self.usernames, username.as_deref()) {
            return Some(found(ExclusionRule::Username, entry));
        }
        let member = |entries: &[Located<String>], names: &[String]| {
            entries
                .iter()
                .find(|entry| names.iter().any(|name| name.to_lowercase() == entry.value))
                .cloned()
        };
        if let Some(entry) = member(&self.groups, &account.groups) {
            return Some(found(ExclusionRule::Group, &entry));
        }
        member(&self.roles, &account.roles).map(|entry| found(ExclusionRule::Role, &entry))
    }
}

/// The first pattern `text` matches.
fn matching<'a>(
    patterns: &'a [Located<String>],
    text: Option<&str>,
) -> Option<&'a Located<String>> {
    let text = text?;
    patterns.iter().find(|pattern| glob(&pattern.value, text))
}

/// Whether `text` matches `pattern`: `*` any run of characters, `?` exactly one.
fn glob(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it currently stands for.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn globs_match_runs_and_single_characters() {
        assert!(glob("*@msp.example", "tech@msp.example"));
        assert!(!glob("*@msp.example", "tech@msp.example.org"));
        assert!(glob("svc-?", "svc-1"));
        assert!(!glob("svc-?", "svc-12"));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b*c", "aXXbYY"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(glob("*", ""));
    }
}
