//! The policy file: TOML parsed into a checked [`Policy`], every mistake named by its line.
//!
//! Sections: `[signals]` (per vendor, which activity signals count), `[defaults]` (the
//! settings for every account; `dormant_after` is required), `[[rules]]` (settings for the
//! accounts a rule selects by `portal`, `vendor` and/or `kind`), `[exclude]` and
//! `[break_glass]` (accounts never acted on). Settings, in `[defaults]` and in rules:
//!
//! | key | meaning |
//! |---|---|
//! | `dormant_after` | inactive this long: dormant (a preset `cis-5.3`/`pci`/`cmmc` or whole days) |
//! | `never_logged_in` | `"when-older"` (default: act only once the account is older than `dormant_after`) or `"always"` |
//! | `warn_after` | stage `warn` (report only) from this many days inactive |
//! | `suspend_after` | stage `suspend` |
//! | `move_after`, `move_to_group` | stage `move-to-group` (LogicMonitor only): suspend and make the group the only one |
//! | `delete_after_suspended` | stage `delete`, for accounts suspended at least this long |
//!
//! A rule's settings replace the defaults for the accounts it selects. Two rules that can
//! select the same account (no selector tells them apart) and set one setting to different
//! values are refused, naming both lines, rather than resolved by order.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::account::{Account, AccountKind};
use super::exclude::Exclusions;
use super::signal::Signal;
use super::threshold::Days;
use crate::config::Vendor;

/// A checked policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(super) defaults: Settings,
    pub(super) rules: Vec<Rule>,
    signals: BTreeMap<Vendor, Vec<Signal>>,
    pub(super) exclusions: Exclusions,
}

/// A mistake in a policy file, with the line(s) it is on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy {}: {message}", lines_label(lines))]
pub struct PolicyError {
    /// The lines concerned (1-based), in file order; empty when no line applies.
    pub lines: Vec<usize>,
    /// What is wrong.
    pub message: String,
}

fn lines_label(lines: &[usize]) -> String {
    match lines {
        [] => "file".to_owned(),
        [line] => format!("line {line}"),
        lines => format!(
            "lines {}",
            lines
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    }
}

/// What to do with accounts that never logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NeverLoggedIn {
    /// Act only when the account is known to be older than `dormant_after`.
    WhenOlder,
    /// Act on them, treating them as inactive beyond every threshold.
    Always,
}

impl fmt::Display for NeverLoggedIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NeverLoggedIn::WhenOlder => "when-older",
            NeverLoggedIn::Always => "always",
        })
    }
}

/// A value and the policy line it was written on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// The 1-based line.
    pub line: usize,
}

/// The settings that are a number of days: their index in [`Settings::days`].
#[derive(Debug, Clone, Copy)]
enum DayKey {
    DormantAfter,
    WarnAfter,
    SuspendAfter,
    MoveAfter,
    DeleteAfterSuspended,
}

/// The keys of the day settings, in [`DayKey`] order.
const DAY_KEYS: [&str; 5] = [
    "dormant_after",
    "warn_after",
    "suspend_after",
    "move_after",
    "delete_after_suspended",
];

/// The settings of `[defaults]` or of one rule; `None` where not written.
#[derive(Debug, Clone, Default)]
pub(super) struct Settings {
    /// The day settings, indexed by [`DayKey`].
    days: [Option<Located<Days>>; 5],
    never_logged_in: Option<Located<NeverLoggedIn>>,
    move_to_group: Option<Located<String>>,
}

/// The accounts a rule applies to: every selector given must match.
#[derive(Debug, Clone, Default)]
pub(super) struct Selector {
    portal: Option<String>,
    vendor: Option<Vendor>,
    kind: Option<AccountKind>,
}

impl Selector {
    fn matches(&self, account: &Account) -> bool {
        self.portal
            .as_ref()
            .is_none_or(|portal| *portal == account.portal)
            && self.vendor.is_none_or(|vendor| vendor == account.vendor)
            && self.kind.is_none_or(|kind| kind == account.kind())
    }

    /// Whether some account could match both.
    fn overlaps(&self, other: &Selector) -> bool {
        fn compatible<T: PartialEq>(a: Option<&T>, b: Option<&T>) -> bool {
            a.zip(b).is_none_or(|(a, b)| a == b)
        }
        compatible(self.portal.as_ref(), other.portal.as_ref())
            && compatible(self.vendor.as_ref(), other.vendor.as_ref())
            && compatible(self.kind.as_ref(), other.kind.as_ref())
    }
}

/// One `[[rules]]` entry.
#[derive(Debug, Clone)]
pub(super) struct Rule {
    selector: Selector,
    pub(super) settings: Settings,
}

/// The settings that apply to one account, defaults overlaid by its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds<'a> {
    /// Inactive this long: dormant.
    pub dormant_after: Days,
    /// What to do with accounts that never logged in.
    pub never_logged_in: NeverLoggedIn,
    /// Stage `warn` from this many days inactive.
    pub warn_after: Option<Days>,
    /// Stage `suspend` from this many days inactive.
    pub suspend_after: Option<Days>,
    /// Stage `move-to-group` from this many days inactive, and the group.
    pub move_after: Option<(Days, &'a str)>,
    /// Stage `delete` for accounts suspended at least this long.
    pub delete_after_suspended: Option<Days>,
}

impl Policy {
    /// Parses and checks a policy file.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|error| PolicyError {
            lines: error
                .span()
                .map(|span| vec![line_of(text, span.start)])
                .unwrap_or_default(),
            message: error.message().to_owned(),
        })?;
        let at = |span: Range<usize>| line_of(text, span.start);
        let defaults_line = at(raw.defaults.span());
        let defaults = raw.defaults.into_inner();
        if let Some(selector) = defaults.selector_keys(&at).into_iter().next() {
            return Err(error(
                selector,
                "[defaults] applies to every account; put portal, vendor or kind in a [[rules]] entry",
            ));
        }
        let defaults = defaults.settings(&at);
        if defaults.day(DayKey::DormantAfter).is_none() {
            return Err(error(
                defaults_line,
                "[defaults] needs `dormant_after` (a preset cis-5.3, pci, cmmc or a whole number of days)",
            ));
        }
        let mut rules = Vec::with_capacity(raw.rules.len());
        for rule in raw.rules {
            let line = at(rule.span());
            let mut rule = rule.into_inner();
            let selector = Selector {
                portal: rule.portal.take().map(Spanned::into_inner),
                vendor: rule.vendor.take().map(Spanned::into_inner),
                kind: rule.kind.take().map(Spanned::into_inner),
            };
            if selector.portal.is_none() && selector.vendor.is_none() && selector.kind.is_none() {
                return Err(error(
                    line,
                    "a rule needs `portal`, `vendor` or `kind`; settings for every account go in [defaults]",
                ));
            }
            rules.push(Rule {
                selector,
                settings: rule.settings(&at),
            });
        }
        for settings in std::iter::once(&defaults).chain(rules.iter().map(|rule| &rule.settings)) {
            check_move(settings, &defaults)?;
        }
        check_disagreements(&rules)?;
        Ok(Policy {
            defaults,
            rules,
            signals: raw.signals.resolve(&at)?,
            exclusions: Exclusions::new(raw.exclude, raw.break_glass, &at)?,
        })
    }

    /// The signals that count for a vendor: those chosen in `[signals]`, else every signal
    /// the vendor documents (the most recent wins).
    pub fn signals(&self, vendor: Vendor) -> &[Signal] {
        self.signals
            .get(&vendor)
            .map_or_else(|| Signal::of(vendor), Vec::as_slice)
    }

    /// The settings for one account: the defaults, overlaid by every rule that selects it.
    pub fn thresholds(&self, account: &Account) -> Thresholds<'_> {
        let mut merged = Settings::default();
        for settings in std::iter::once(&self.defaults).chain(
            self.rules
                .iter()
                .filter(|rule| rule.selector.matches(account))
                .map(|rule| &rule.settings),
        ) {
            merged.overlay(settings);
        }
        let value = |key: DayKey| merged.day(key).map(|located| located.value);
        Thresholds {
            dormant_after: value(DayKey::DormantAfter).expect("[defaults] has dormant_after"),
            never_logged_in: merged
                .never_logged_in
                .as_ref()
                .map_or(NeverLoggedIn::WhenOlder, |located| located.value),
            warn_after: value(DayKey::WarnAfter),
            suspend_after: value(DayKey::SuspendAfter),
            move_after: value(DayKey::MoveAfter)
                .zip(self.group_for(account).map(|group| group.value.as_str())),
            delete_after_suspended: value(DayKey::DeleteAfterSuspended),
        }
    }

    fn group_for(&self, account: &Account) -> Option<&Located<String>> {
        self.rules
            .iter()
            .filter(|rule| rule.selector.matches(account))
            .find_map(|rule| rule.settings.move_to_group.as_ref())
            .or(self.defaults.move_to_group.as_ref())
    }
}

impl Settings {
    fn day(&self, key: DayKey) -> Option<&Located<Days>> {
        self.days[key as usize].as_ref()
    }

    /// Replaces every setting `other` gives, but the group (see [`Policy::thresholds`]).
    fn overlay(&mut self, other: &Settings) {
        for (mine, theirs) in self.days.iter_mut().zip(&other.days) {
            if theirs.is_some() {
                mine.clone_from(theirs);
            }
        }
        if other.never_logged_in.is_some() {
            self.never_logged_in.clone_from(&other.never_logged_in);
        }
    }

    /// The first setting both give with different values: its key, the values and the
    /// two lines.
    fn disagreement(&self, other: &Settings) -> Option<(&'static str, String, usize, usize)> {
        fn differ<T: PartialEq + fmt::Display>(
            key: &'static str,
            a: Option<&Located<T>>,
            b: Option<&Located<T>>,
        ) -> Option<(&'static str, String, usize, usize)> {
            let (a, b) = a.zip(b)?;
            (a.value != b.value)
                .then(|| (key, format!("{} vs {}", a.value, b.value), a.line, b.line))
        }
        DAY_KEYS
            .iter()
            .zip(self.days.iter().zip(&other.days))
            .find_map(|(key, (a, b))| differ(key, a.as_ref(), b.as_ref()))
            .or_else(|| {
                differ(
                    "never_logged_in",
                    self.never_logged_in.as_ref(),
                    other.never_logged_in.as_ref(),
                )
            })
            .or_else(|| {
                differ(
                    "move_to_group",
                    self.move_to_group.as_ref(),
                    other.move_to_group.as_ref(),
                )
            })
    }
}

/// `move_after` needs a group, in its own table or in `[defaults]`; a group needs a
/// non-empty name.
fn check_move(settings: &Settings, defaults: &Settings) -> Result<(), PolicyError> {
    if let Some(group) = &settings.move_to_group
        && group.value.trim().is_empty()
    {
        return Err(error(group.line, "`move_to_group` must name a group"));
    }
    match settings.day(DayKey::MoveAfter) {
        Some(after) if settings.move_to_group.is_none() && defaults.move_to_group.is_none() => {
            Err(error(
                after.line,
                "`move_after` needs `move_to_group` (here or in [defaults])",
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses two rules that can select one account and disagree on a setting.
fn check_disagreements(rules: &[Rule]) -> Result<(), PolicyError> {
    for (index, first) in rules.iter().enumerate() {
        for second in &rules[index + 1..] {
            if !first.selector.overlaps(&second.selector) {
                continue;
            }
            if let Some((key, values, a, b)) = first.settings.disagreement(&second.settings) {
                let mut lines = vec![a, b];
                lines.sort_unstable();
                return Err(PolicyError {
                    lines,
                    message: format!(
                        "two rules can select the same account and disagree on `{key}` ({values}); make their portal, vendor or kind tell them apart, or agree"
                    ),
                });
            }
        }
    }
    Ok(())
}

fn error(line: usize, message: impl Into<String>) -> PolicyError {
    PolicyError {
        lines: vec![line],
        message: message.into(),
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    signals: RawSignals,
    defaults: Spanned<RawSection>,
    #[serde(default)]
    rules: Vec<Spanned<RawSection>>,
    #[serde(default)]
    exclude: super::exclude::RawExclude,
    #[serde(default)]
    break_glass: super::exclude::RawBreakGlass,
}

/// `[defaults]` or one `[[rules]]` entry, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    portal: Option<Spanned<String>>,
    vendor: Option<Spanned<Vendor>>,
    kind: Option<Spanned<AccountKind>>,
    dormant_after: Option<Spanned<Days>>,
    never_logged_in: Option<Spanned<NeverLoggedIn>>,
    warn_after: Option<Spanned<Days>>,
    suspend_after: Option<Spanned<Days>>,
    move_after: Option<Spanned<Days>>,
    move_to_group: Option<Spanned<String>>,
    delete_after_suspended: Option<Spanned<Days>>,
}

impl RawSection {
    /// The lines of any selector keys written.
    fn selector_keys(&self, at: &dyn Fn(Range<usize>) -> usize) -> Vec<usize> {
        [
            self.portal.as_ref().map(Spanned::span),
            self.vendor.as_ref().map(Spanned::span),
            self.kind.as_ref().map(Spanned::span),
        ]
        .into_iter()
        .flatten()
        .map(at)
        .collect()
    }

    fn settings(self, at: &dyn Fn(Range<usize>) -> usize) -> Settings {
        fn located<T>(
            value: Option<Spanned<T>>,
            at: &dyn Fn(Range<usize>) -> usize,
        ) -> Option<Located<T>> {
            value.map(|spanned| Located {
                line: at(spanned.span()),
                value: spanned.into_inner(),
            })
        }
        Settings {
            days: [
                located(self.dormant_after, at),
                located(self.warn_after, at),
                located(self.suspend_after, at),
                located(self.move_after, at),
                located(self.delete_after_suspended, at),
            ],
            never_logged_in: located(self.never_logged_in, at),
            move_to_group: located(self.move_to_group, at),
        }
    }
}

type RawSignalList = Option<Spanned<Vec<Spanned<String>>>>;

/// `[signals]`: per vendor, the field names that count.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignals {
    threatlocker: RawSignalList,
    allthenticate: RawSignalList,
    #[serde(rename = "partner-portal")]
    partner_portal: RawSignalList,
    logicmonitor: RawSignalList,
}

impl RawSignals {
    fn resolve(
        self,
        at: &dyn Fn(Range<usize>) -> usize,
    ) -> Result<BTreeMap<Vendor, Vec<Signal>>, PolicyError> {
        let mut chosen = BTreeMap::new();
        for (vendor, names) in [
            (Vendor::Threatlocker, self.threatlocker),
            (Vendor::Allthenticate, self.allthenticate),
            (Vendor::PartnerPortal, self.partner_portal),
            (Vendor::Logicmonitor, self.logicmonitor),
        ] {
            let Some(names) = names else { continue };
            let line = at(names.span());
            if Signal::of(vendor).is_empty() {
                return Err(error(
                    line,
                    format!("{vendor} documents no activity signal; leave it out of [signals]"),
                ));
            }
            let names = names.into_inner();
            if names.is_empty() {
                return Err(error(
                    line,
                    format!(
                        "choose at least one {vendor} signal, or leave it out for the most recent of all"
                    ),
                ));
            }
            let mut signals = Vec::with_capacity(names.len());
            for name in names {
                let signal = Signal::named(vendor, name.get_ref()).ok_or_else(|| {
                    let known: Vec<&str> = Signal::of(vendor)
                        .iter()
                        .map(|signal| signal.as_str())
                        .collect();
                    error(
                        at(name.span()),
                        format!(
                            "`{}` is not a {vendor} activity field (expected one of {})",
                            name.get_ref(),
                            known.join(", ")
                        ),
                    )
                })?;
                if !signals.contains(&signal) {
                    signals.push(signal);
                }
            }
            chosen.insert(vendor, signals);
        }
        Ok(chosen)
    }
}
