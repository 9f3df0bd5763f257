//! Deterministic, seeded generation of realistic people.
//!
//! Person `i` of a generator depends only on the seed and `i`, so people can
//! be produced lazily (one at a time, in constant memory), in any order, and
//! identically on every run. Names come from built-in lists of a few hundred
//! given and family names; emails use reserved example domains only.
//!
//! Emails (and usernames, which are the email's local part) are unique by
//! construction: the first `given × family` people of a generator get
//! distinct name pairs through a seeded permutation, and each further round
//! of that many people carries a number suffix (`maria.garcia2`, ...).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::names::{FIRST_NAMES, LAST_NAMES};

/// The fraction of people who never logged in, unless configured otherwise.
pub const DEFAULT_NEVER_LOGGED_IN: f64 = 0.08;

/// Reserved domains (RFC 2606 / RFC 6761) used for generated emails.
const DOMAINS: &[&str] = &[
    "example.com",
    "corp.example",
    "example.org",
    "mail.example",
    "example.net",
];

/// How far back a last login may lie.
const LAST_LOGIN_SPAN_SECS: u64 = 365 * 24 * 60 * 60;

/// Feistel rounds of the name permutation.
const FEISTEL_ROUNDS: u64 = 4;

/// One generated person.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Person {
    /// Position of this person in the generator's sequence.
    pub index: usize,
    /// Given name, possibly with diacritics (for example "José").
    pub first_name: &'static str,
    /// Family name, possibly with particles or apostrophes (for example "O'Brien").
    pub last_name: &'static str,
    /// Unique email at a reserved example domain.
    pub email: String,
    /// Unique ASCII username (the local part of the email).
    pub username: String,
    /// Last sign-in time, within the year before the generator's `now`;
    /// `None` for someone who never logged in.
    pub last_login: Option<SystemTime>,
}

impl Person {
    /// "First Last".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A seeded generator of [`Person`] values.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use portal_sandbox::People;
///
/// let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
/// let people = People::new(42, now);
/// let first: Vec<_> = people.iter(3).collect();
/// assert_eq!(first, people.iter(3).collect::<Vec<_>>());
/// assert_eq!(first[1], people.person(1));
/// assert!(first.iter().all(|p| p.email.ends_with(".example") || p.email.contains("@example.")));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct People {
    seed: u64,
    now: SystemTime,
    never_logged_in: f64,
}

impl People {
    /// A generator for `seed`; last logins are spread over the year before `now`.
    pub fn new(seed: u64, now: SystemTime) -> Self {
        Self {
            seed,
            now,
            never_logged_in: DEFAULT_NEVER_LOGGED_IN,
        }
    }

    /// Sets the fraction (clamped to `0.0..=1.0`) of people who never logged in.
    #[must_use]
    pub fn never_logged_in(mut self, fraction: f64) -> Self {
        self.never_logged_in = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        self
    }

    /// Person number `index` of this generator.
    pub fn person(&self, index: usize) -> Person {
        let pairs = FIRST_NAMES.len() * LAST_NAMES.len();
        let round = index / pairs;
        let key = mix(self.seed ^ mix(round as u64));
        let pair = permute(key, (index % pairs) as u64, pairs as u64);
        let pair = usize::try_from(pair).expect("a permuted value is below `pairs`, a usize");
        let first_name = FIRST_NAMES[pair / LAST_NAMES.len()];
        let last_name = LAST_NAMES[pair % LAST_NAMES.len()];
        let username = username(first_name, last_name, round);

        let mut rng = fastrand::Rng::with_seed(mix(self.seed.rotate_left(17) ^ mix(index as u64)));
        let domain = DOMAINS[rng.usize(..DOMAINS.len())];
        let last_login = self.last_login(&mut rng);
        Person {
            index,
            first_name,
            last_name,
            email: format!("{username}@{domain}"),
            username,
            last_login,
        }
    }

    /// The first `count` people, generated lazily.
    pub fn iter(&self, count: usize) -> PeopleIter {
        PeopleIter {
            people: *self,
            next: 0,
            end: count,
        }
    }

    fn last_login(&self, rng: &mut fastrand::Rng) -> Option<SystemTime> {
        if rng.f64() < self.never_logged_in {
            return None;
        }
        let ago = Duration::from_secs(rng.u64(1..=LAST_LOGIN_SPAN_SECS));
        Some(self.now.checked_sub(ago).unwrap_or(UNIX_EPOCH))
    }
}

/// Iterator over the people of a [`People`] generator; see [`People::iter`].
#[derive(Debug, Clone)]
pub struct PeopleIter {
    people: People,
    next: usize,
    end: usize,
}

impl Iterator for PeopleIter {
    type Item = Person;

    fn next(&mut self) -> Option<Person> {
        if self.next >= self.end {
            return None;
        }
        let person = self.people.person(self.next);
        self.next += 1;
        Some(person)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.end - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for PeopleIter {}

/// `first.last`, with `round + 1` appended after the first round.
fn username(first: &str, last: &str, round: usize) -> String {
    let mut name = format!("{}.{}", slug(first), slug(last));
    if round > 0 {
        name.push_str(&(round + 1).to_string());
    }
    name
}

/// Lower-case ASCII letters and digits of `name`, diacritics folded.
fn slug(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(fold_diacritic)
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The base letter of the accented letters used in [`crate::names`].
fn fold_diacritic(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' | 'č' | 'ć' => 'c',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ś' | 'š' => 's',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        other => other,
    }
}

/// A seeded bijection on `0..domain`: a Feistel network on the smallest
/// even-width bit space holding `domain`, cycle-walked back into range.
fn permute(key: u64, value: u64, domain: u64) -> u64 {
    let half_bits = (u64::BITS - (domain - 1).leading_zeros()).div_ceil(2);
    let mut walked = value;
    loop {
        walked = feistel(key, walked, half_bits);
        if walked < domain {
            return walked;
        }
    }
}

fn feistel(key: u64, value: u64, half_bits: u32) -> u64 {
    let mask = (1 << half_bits) - 1;
    let (mut left, mut right) = (value >> half_bits, value & mask);
    for round in 0..FEISTEL_ROUNDS {
        let scrambled = mix(key ^ (round << 56) ^ right) & mask;
        (left, right) = (right, left ^ scrambled);
    }
    (left << half_bits) | right
}

/// The SplitMix64 finaliser: a well-spread 64-bit hash.
fn mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_767_225_600)
    }

    #[test]
    fn same_seed_gives_identical_people() {
        let a: Vec<_> = People::new(7, now()).iter(1_000).collect();
        let b: Vec<_> = People::new(7, now()).iter(1_000).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn different_seeds_give_different_people() {
        let a: Vec<_> = People::new(1, now()).iter(100).collect();
        let b: Vec<_> = People::new(2, now()).iter(100).collect();
        let same = a.iter().zip(&b).filter(|(x, y)| x.email == y.email).count();
        assert!(same < 5, "{same} of 100 emails coincide");
    }

    #[test]
    fn random_access_matches_iteration() {
        let people = People::new(3, now());
        let listed: Vec<_> = people.iter(50).collect();
        assert_eq!(listed[37], people.person(37));
        assert_eq!(people.iter(50).len(), 50);
    }

    #[test]
    fn emails_and_usernames_are_unique_across_100_000_people() {
        let mut emails = HashSet::new();
        let mut usernames = HashSet::new();
        for person in People::new(42, now()).iter(100_000) {
            assert!(
                usernames.insert(person.username.clone()),
                "duplicate {}",
                person.username
            );
            assert!(emails.insert(person.email), "duplicate email");
        }
    }

    #[test]
    fn emails_use_reserved_domains_and_ascii_local_parts() {
        for person in People::new(9, now()).iter(2_000) {
            let (local, domain) = person.email.split_once('@').expect("an @ in every email");
            assert!(DOMAINS.contains(&domain), "{domain}");
            assert_eq!(local, person.username);
            assert!(
                local
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.')
            );
        }
    }

    #[test]
    fn later_rounds_carry_a_number_suffix() {
        let pairs = FIRST_NAMES.len() * LAST_NAMES.len();
        let person = People::new(5, now()).person(pairs + 10);
        assert!(person.username.ends_with('2'), "{}", person.username);
    }

    #[test]
    fn never_logged_in_fraction_is_near_the_default() {
        let never = People::new(11, now())
            .iter(100_000)
            .filter(|p| p.last_login.is_none())
            .count();
        let fraction = f64::from(u32::try_from(never).expect("small")) / 100_000.0;
        assert!(
            (fraction - DEFAULT_NEVER_LOGGED_IN).abs() < 0.005,
            "{fraction}"
        );
    }

    #[test]
    fn never_logged_in_fraction_is_configurable() {
        let people = People::new(11, now()).never_logged_in(0.5);
        let never = people
            .iter(10_000)
            .filter(|p| p.last_login.is_none())
            .count();
        assert!((4_700..=5_300).contains(&never), "{never}");
        assert!(
            People::new(1, now())
                .never_logged_in(0.0)
                .iter(1_000)
                .all(|p| p.last_login.is_some())
        );
    }

    #[test]
    fn last_logins_lie_within_the_year_before_now() {
        let year = Duration::from_secs(LAST_LOGIN_SPAN_SECS);
        let logins: Vec<_> = People::new(13, now())
            .iter(20_000)
            .filter_map(|p| p.last_login)
            .collect();
        for login in &logins {
            let ago = now().duration_since(*login).expect("login before now");
            assert!(ago > Duration::ZERO && ago <= year, "{ago:?}");
        }
        let recent = logins
            .iter()
            .filter(|l| now().duration_since(**l).expect("past") < year / 2)
            .count();
        let share = f64::from(u32::try_from(recent).expect("small"))
            / f64::from(u32::try_from(logins.len()).expect("small"));
        assert!(
            (0.45..0.55).contains(&share),
            "logins are not spread over the year: {share}"
        );
    }

    #[test]
    fn name_slugs_are_distinct_and_non_empty() {
        for list in [FIRST_NAMES, LAST_NAMES] {
            let slugs: HashSet<_> = list.iter().map(|name| slug(name)).collect();
            assert_eq!(slugs.len(), list.len());
            assert!(slugs.iter().all(|s| !s.is_empty() && s.is_ascii()));
        }
        assert_eq!(slug("O'Brien"), "obrien");
        assert_eq!(slug("Søren"), "soren");
        assert_eq!(slug("Van der Berg"), "vanderberg");
    }

    #[test]
    fn permutation_is_a_bijection() {
        let domain = 1_000;
        let images: HashSet<_> = (0..domain).map(|v| permute(99, v, domain)).collect();
        assert_eq!(images.len(), 1_000);
        assert!(images.iter().all(|&v| v < domain));
    }
}
