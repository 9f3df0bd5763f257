//! LogicMonitor filter syntax: parsing and evaluation.
//!
//! `filter := group ("||" group)*`, `group := clause ("," clause)*` (AND binds tighter
//! than OR), `clause := field op value ("|" value)*` with `op` one of
//! `!: !~ >: <: : > < ~`. A value is either double-quoted or bare.
//!
//! Escapes follow the vendor reference §3.4 (LogicMonitor's PowerShell module
//! `Format-LMFilter.ps1`, DEVTS-21125): a backslash before `"` or one of
//! `( ) $ & # [ ]` makes that character literal, and a backslash before anything else is
//! an ordinary character. Inside quotes, `,` and `|` are part of the value. Nothing
//! escapes `*`: in an `:`/`!:` value it is always a wildcard.
//!
//! The text parsed here is the `filter` parameter after *two* URL decodings
//! ([`Filter::from_query`]): the reference says LogicMonitor's servers decode it twice.
//!
//! Labelled choices (no source): the second decoding is
//! `application/x-www-form-urlencoded` decoding like the first (`+` is a space, which is
//! what the reference reports a single-encoded `+` turning into); string comparisons
//! ignore case.

use std::borrow::Cow;
use std::cmp::Ordering;

/// A parsed filter: OR of AND groups.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filter {
    groups: Vec<Vec<Clause>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Contains,
    NotContains,
}

#[derive(Debug, Clone, PartialEq)]
struct Clause {
    field: String,
    op: Op,
    values: Vec<Value>,
}

/// One literal value: its text, and the positions of unescaped `*`s.
#[derive(Debug, Clone, PartialEq)]
struct Value {
    text: String,
    /// The text split at unescaped `*`; a single part means no wildcard.
    parts: Vec<String>,
}

/// A field's value on a record, as a filter sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Field<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Bool(bool),
    List(Vec<Field<'a>>),
    Null,
}

impl Filter {
    /// Parses the `filter` query value as the query parser hands it over (decoded once):
    /// decodes it a second time, as LogicMonitor does, then parses it.
    pub(crate) fn from_query(decoded_once: &str) -> Result<Self, String> {
        Self::parse(&crate::wire::form_decode(decoded_once))
    }

    /// Parses a fully decoded filter; the error says what is wrong.
    pub(crate) fn parse(input: &str) -> Result<Self, String> {
        let mut parser = Parser {
            chars: input.chars().collect(),
            pos: 0,
        };
        let mut groups = vec![Vec::new()];
        loop {
            let clause = parser.clause()?;
            if let Some(group) = groups.last_mut() {
                group.push(clause);
            }
            if parser.eat_str("||") {
                groups.push(Vec::new());
            } else if parser.eat(',') {
            } else if parser.at_end() {
                break;
            } else {
                return Err(format!("unexpected character at position {}", parser.pos));
            }
        }
        Ok(Self { groups })
    }

    /// Whether a record matches; `lookup` gives a field's value by (dotted) name.
    pub(crate) fn matches<'a>(&self, lookup: &mut dyn FnMut(&str) -> Field<'a>) -> bool {
        self.groups.iter().any(|group| {
            group
                .iter()
                .all(|clause| clause.matches(&lookup(&clause.field)))
        })
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn eat(&mut self, ch: char) -> bool {
        if self.peek() == Some(ch) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, text: &str) -> bool {
        let len = text.chars().count();
        if self.chars.len() >= self.pos + len
            && self.chars[self.pos..self.pos + len]
                .iter()
                .copied()
                .eq(text.chars())
        {
            self.pos += len;
            true
        } else {
            false
        }
    }

    fn clause(&mut self) -> Result<Clause, String> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            self.pos += 1;
        }
        let field: String = self.chars[start..self.pos].iter().collect();
        if field.is_empty() || field.split('.').any(str::is_empty) {
            return Err(format!("expected a field name at position {start}"));
        }
        let op = if self.eat_str("!:") {
            Op::Ne
        } else if self.eat_str("!~") {
            Op::NotContains
        } else if self.eat_str(">:") {
            Op::Ge
        } else if self.eat_str("<:") {
            Op::Le
        } else if self.eat(':') {
            Op::Eq
        } else if self.eat('>') {
            Op::Gt
        } else if self.eat('<') {
            Op::Lt
        } else if self.eat('~') {
            Op::Contains
        } else {
            return Err(format!("expected an operator after `{field}`"));
        };
        let mut values = vec![self.value()?];
        while self.peek() == Some('|') && self.peek_at(1) != Some('|') {
            self.pos += 1;
            values.push(self.value()?);
        }
        Ok(Clause { field, op, values })
    }

    fn value(&mut self) -> Result<Value, String> {
        let quoted = self.eat('"');
        let mut parts = vec![String::new()];
        let mut text = String::new();
        loop {
            let Some(ch) = self.peek() else {
                if quoted {
                    return Err("unterminated quoted value".to_owned());
                }
                break;
            };
            if quoted && ch == '"' {
                self.pos += 1;
                break;
            }
            if !quoted && (ch == ',' || ch == '|' || ch == '"') {
                break;
            }
            self.pos += 1;
            let literal = if ch == '\\' && self.peek().is_some_and(is_escaped) {
                self.pos += 1;
                self.chars[self.pos - 1]
            } else if ch == '*' {
                parts.push(String::new());
                text.push('*');
                continue;
            } else {
                ch
            };
            text.push(literal);
            if let Some(part) = parts.last_mut() {
                part.push(literal);
            }
        }
        Ok(Value { text, parts })
    }
}

/// Whether a backslash before `ch` escapes it: `"` and the module's escape set.
fn is_escaped(ch: char) -> bool {
    matches!(ch, '"' | '(' | ')' | '$' | '&' | '#' | '[' | ']')
}

impl Clause {
    fn matches(&self, field: &Field<'_>) -> bool {
        match self.op {
            Op::Ne => !self.any(field, Op::Eq),
            Op::NotContains => !self.any(field, Op::Contains),
            op => self.any(field, op),
        }
    }

    fn any(&self, field: &Field<'_>, op: Op) -> bool {
        match field {
            Field::List(items) => items.iter().any(|item| self.any(item, op)),
            _ => self.values.iter().any(|value| compare(field, op, value)),
        }
    }
}

fn compare(field: &Field<'_>, op: Op, value: &Value) -> bool {
    match field {
        Field::Null | Field::List(_) => false,
        Field::Bool(flag) => {
            let wanted = match value.text.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return false,
            };
            op == Op::Eq && *flag == wanted
        }
        Field::Int(number) => {
            if op == Op::Contains {
                return number.to_string().contains(value.text.as_str());
            }
            let Ok(wanted) = value.text.trim().parse::<i64>() else {
                return false;
            };
            ordered(op, number.cmp(&wanted))
        }
        Field::Str(text) => {
            let have = text.to_lowercase();
            match op {
                Op::Contains => have.contains(&value.text.to_lowercase()),
                Op::Eq if value.parts.len() > 1 => glob(&have, &value.parts),
                _ => ordered(op, have.as_str().cmp(value.text.to_lowercase().as_str())),
            }
        }
    }
}

fn ordered(op: Op, ordering: Ordering) -> bool {
    match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Gt => ordering == Ordering::Greater,
        Op::Lt => ordering == Ordering::Less,
        Op::Ge => ordering != Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Ne | Op::Contains | Op::NotContains => false,
    }
}

/// `have` (lower-case) against literal `parts` separated by wildcards.
fn glob(have: &str, parts: &[String]) -> bool {
    let parts: Vec<String> = parts.iter().map(|p| p.to_lowercase()).collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return true;
    };
    if !have.starts_with(first.as_str()) || have.len() < first.len() + last.len() {
        return false;
    }
    if !have.ends_with(last.as_str()) {
        return false;
    }
    let mut rest = &have[first.len()..have.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part.as_str()) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user<'a>(
        username: &'a str,
        last_login: i64,
        groups: &[i64],
    ) -> impl FnMut(&str) -> Field<'a> {
        let groups: Vec<Field<'a>> = groups.iter().map(|g| Field::Int(*g)).collect();
        move |name: &str| match name {
            "username" => Field::Str(Cow::Borrowed(username)),
            "status" => Field::Str(Cow::Borrowed("active")),
            "lastLoginOn" => Field::Int(last_login),
            "apionly" => Field::Bool(false),
            "adminGroupIds" => Field::List(groups.clone()),
            _ => Field::Null,
        }
    }

    fn check(filter: &str, username: &str) -> bool {
        Filter::parse(filter)
            .unwrap()
            .matches(&mut user(username, 100, &[3, 7]))
    }

    #[test]
    fn operators_and_types() {
        assert!(check(r#"username:"JDoe""#, "jdoe"));
        assert!(!check(r#"username!:"jdoe""#, "jdoe"));
        assert!(check("lastLoginOn<:100", "x"));
        assert!(!check("lastLoginOn<100", "x"));
        assert!(check("lastLoginOn>99,lastLoginOn>:100", "x"));
        assert!(check(r#"username~"do""#, "jdoe"));
        assert!(check(r#"username!~"zz""#, "jdoe"));
        assert!(check(r#"username:"*do*""#, "jdoe"));
        assert!(check(r#"username:"j*""#, "jdoe"));
        assert!(!check(r#"username:"*x*""#, "jdoe"));
        assert!(check("apionly:False", "x"));
        assert!(check("adminGroupIds:7", "x"));
        assert!(!check("adminGroupIds!:7", "x"));
        assert!(check(r#"status:"suspended"|"active""#, "x"));
        assert!(check(r#"username:"nope"||status:"active""#, "x"));
        assert!(!check(r#"username:"nope",status:"active""#, "x"));
    }

    #[test]
    fn only_quotes_and_the_modules_escape_set_are_unescaped() {
        let tricky = r#"a"b,c||d\e(f)$&#[]"#;
        let escaped = r#"username:"a\"b,c||d\e\(f\)\$\&\#\[\]""#;
        assert!(check(escaped, tricky));
        assert!(!check(escaped, "a"));
        // Any other backslash is a character of the value.
        assert!(check(r#"username:"a\,b""#, r"a\,b"));
        assert!(!check(r#"username:"a\,b""#, "a,b"));
        assert!(check(r#"username:"a\\(""#, r"a\("));
        // Nothing escapes a star.
        assert!(check(r#"username:"j\*""#, r"j\xyz"));
        assert!(!check(r#"username:"j\*""#, "jdoe"));
        // Bare values know the same escapes.
        assert!(check(r"username:a\(b", "a(b"));
    }

    #[test]
    fn the_query_value_is_decoded_a_second_time() {
        let matches = |query: &str, username: &str| {
            Filter::from_query(query)
                .unwrap()
                .matches(&mut user(username, 100, &[]))
        };
        // What a once-decoded query holds when the client encoded twice.
        assert!(matches(
            r#"username:"jane%2Badmin %5C%28x%5C%29 100%25""#,
            "jane+admin (x) 100%"
        ));
        // A single-encoded `+` comes out as a space.
        assert!(matches(r#"username:"jane+admin""#, "jane admin"));
        assert!(!matches(r#"username:"jane+admin""#, "jane+admin"));
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "",
            "username",
            r#"username:"open"#,
            ":x",
            "a:1,,b:2",
            "a:1\"x\"",
            r#"username:"a\"#,
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad:?}");
        }
    }
}
