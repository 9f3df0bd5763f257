//! A typed builder for LogicMonitor's filter syntax: [`Filter`] and [`Clause`].

use std::fmt::Write as _;

use core_http::{Error, Result};

use crate::types::AdminStatus;
use crate::validate::is_field_name;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    /// `:` equals (a `*` in a string value is a wildcard).
    Eq,
    /// `!:` not equal.
    Ne,
    /// `>` greater than.
    Gt,
    /// `<` less than.
    Lt,
    /// `>:` greater than or equal.
    Ge,
    /// `<:` less than or equal.
    Le,
    /// `~` contains.
    Contains,
    /// `!~` does not contain.
    NotContains,
}

impl Operator {
    /// The operator as written in a filter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => ":",
            Self::Ne => "!:",
            Self::Gt => ">",
            Self::Lt => "<",
            Self::Ge => ">:",
            Self::Le => "<:",
            Self::Contains => "~",
            Self::NotContains => "!~",
        }
    }
}

/// A value on the right of an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    /// A string: quoted, with `"` and LogicMonitor's escape set backslash-escaped.
    /// LogicMonitor documents no escape for `*`: in a `:` or `!:` comparison it is a
    /// wildcard here too.
    Text(String),
    /// A pattern where `*` matches anything. Written exactly like [`Text`](Self::Text);
    /// the kind says that the wildcard is meant.
    Glob(String),
    /// An integer, unquoted.
    Int(i64),
    /// A boolean, unquoted `true` / `false`.
    Bool(bool),
}

impl From<&str> for FilterValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<String> for FilterValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<i64> for FilterValue {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<i32> for FilterValue {
    fn from(value: i32) -> Self {
        Self::Int(value.into())
    }
}

impl From<bool> for FilterValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<&AdminStatus> for FilterValue {
    fn from(value: &AdminStatus) -> Self {
        Self::Text(value.as_str().to_owned())
    }
}

impl From<AdminStatus> for FilterValue {
    fn from(value: AdminStatus) -> Self {
        Self::from(&value)
    }
}

/// One `<field><op><value>` comparison. With several values (see [`Clause::any_of`]) the
/// clause matches any of them (`field:"a"|"b"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    field: String,
    op: Operator,
    values: Vec<FilterValue>,
}

impl Clause {
    /// `field <op> value`.
    pub fn new(field: impl Into<String>, op: Operator, value: impl Into<FilterValue>) -> Self {
        Self {
            field: field.into(),
            op,
            values: vec![value.into()],
        }
    }

    /// Equality (`:`). LogicMonitor documents no escape for `*`, so a `*` in a string
    /// value is a wildcard: compare the results when that matters.
    pub fn eq(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, Operator::Eq, value)
    }

    /// Not equal (`!:`).
    pub fn ne(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, Operator::Ne, value)
    }

    /// Greater than (`>`).
    pub fn gt(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, Operator::Gt, value)
    }

    /// Less than (`<`).
    pub fn lt(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, Operator::Lt, value)
    }

    /// Greater than or equal (`>:`).
    pub fn ge(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, Operator::Ge, value)
    }

    /// Less than or equal (`<:`).
    pub fn le(field: impl Into<String>, value: impl Into<FilterValue>) -> Self {
        Self::new(field, Operator::Le, value)
    }

    /// Contains (`~`).
    pub fn contains(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(field, Operator::Contains, FilterValue::Text(value.into()))
    }

    /// Does not contain (`!~`).
    pub fn not_contains(field: impl Into<String>, value: impl Into<String>) -> Self {
        Self::new(
            field,
            Operator::NotContains,
            FilterValue::Text(value.into()),
        )
    }

    /// Equality against a pattern where `*` matches anything (`username:"*svc*"`).
    pub fn glob(field: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self::new(field, Operator::Eq, FilterValue::Glob(pattern.into()))
    }

    /// Equal to any of `values` (`status:"active"|"suspended"`). An empty list is
    /// rejected when the filter is rendered.
    pub fn any_of<V: Into<FilterValue>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        Self {
            field: field.into(),
            op: Operator::Eq,
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    fn render_into(&self, out: &mut String) -> Result<()> {
        if !is_field_name(&self.field) {
            return Err(Error::invalid_input(
                "filter",
                format!(
                    "{:?} is not a field name (letters, digits, `_` and `.`)",
                    self.field
                ),
            ));
        }
        if self.values.is_empty() {
            return Err(Error::invalid_input(
                "filter",
                format!("the clause on `{}` has no value", self.field),
            ));
        }
        out.push_str(&self.field);
        out.push_str(self.op.as_str());
        for (index, value) in self.values.iter().enumerate() {
            if index > 0 {
                out.push('|');
            }
            match value {
                FilterValue::Text(text) | FilterValue::Glob(text) => quote(out, text)?,
                FilterValue::Int(number) => {
                    let _ = write!(out, "{number}");
                }
                FilterValue::Bool(flag) => {
                    let _ = write!(out, "{flag}");
                }
            }
        }
        Ok(())
    }
}

/// The characters LogicMonitor's PowerShell module backslash-escapes in a filter
/// (`Format-LMFilter.ps1`, DEVTS-21125).
const ESCAPE_SET: [char; 7] = ['(', ')', '$', '&', '#', '[', ']'];

/// Whether a backslash before `ch` escapes it: the escape set and `"`.
fn is_escaped(ch: char) -> bool {
    ch == '"' || ESCAPE_SET.contains(&ch)
}

fn quote(out: &mut String, text: &str) -> Result<()> {
    if text.ends_with('\\') {
        return Err(Error::invalid_input(
            "filter",
            "a string value can not end with a backslash: LogicMonitor's filter syntax has \
             no documented escape for one before the closing quote",
        ));
    }
    out.push('"');
    for ch in text.chars() {
        if is_escaped(ch) {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    Ok(())
}

/// A filter: groups of clauses, the clauses of a group joined with AND (`,`), the
/// groups with OR (`||`), encoded the way LogicMonitor's own PowerShell module encodes it.
///
/// `filter=<field><op><value>[,<field><op><value>…]`: `,` joins clauses with AND and
/// `||` joins groups of clauses with OR (AND binds tighter). String values are always
/// put in double quotes.
///
/// # Escaping and encoding
///
/// LogicMonitor's servers URL-decode the `filter` value **twice** (vendor reference
/// §3.4, from LogicMonitor's PowerShell module `Format-LMFilter.ps1`, ticket
/// DEVTS-21125). The client therefore writes a filter in three steps:
///
/// 1. [`Filter::render`]: the filter text. Inside a quoted value, `"` becomes `\"` (as
///    the module quotes it) and each of `( ) $ & # [ ]` gets a backslash (the module's
///    escape set); nothing else is escaped. A backslash that is part of a value stays
///    as it is: it never stands right before one of those characters (they carry their
///    own backslash), so it can not be read as an escape.
/// 2. [`Filter::encoded`]: `\`, `%`, `+` and the escape set are percent-encoded
///    (`(` written as `\(` becomes `%5C%28`, as the module writes it; `%` and `+` would
///    otherwise be changed by the server's second decoding, which reads `+` as a space).
/// 3. The request URL-encodes the whole value once more, like every query parameter.
///
/// So `jane+admin@corp.example` travels as `%252B` and comes back as `+` after the
/// server's two decodings, and no value, whatever it holds, can end its quotes or add a
/// clause: `username:"a\",status:\"x"` is still one clause about one username.
///
/// Unverified, and the choices made (see also the crate docs):
/// - No source documents an escape for `*`, so a `*` in a value compared with `:` or
///   `!:` is a wildcard on LogicMonitor's side, whatever the [`FilterValue`] kind. The
///   `find_by_*` helpers compare the results exactly, so they stay exact.
/// - No source documents an escape for a backslash; a string value that *ends* with
///   one can not be written (its backslash would escape the closing quote) and is
///   refused as [`Error::InvalidInput`].
/// - `,` and `|` inside quotes are sent as they are, as the module sends them.
///
/// ```
/// use logicmonitor_client::{Clause, Filter};
///
/// let filter = Filter::new()
///     .and(Clause::eq("status", "active"))
///     .and(Clause::lt("lastLoginOn", 1_690_000_000_i64));
/// assert_eq!(filter.render().unwrap(), r#"status:"active",lastLoginOn<1690000000"#);
///
/// let sneaky = Filter::from(Clause::eq("username", r#"x",status:"suspended"#));
/// assert_eq!(sneaky.render().unwrap(), r#"username:"x\",status:\"suspended""#);
///
/// let email = Filter::from(Clause::eq("email", "jane+admin@corp.example (HQ)"));
/// assert_eq!(
///     email.encoded().unwrap(),
///     r#"email:"jane%2Badmin@corp.example %5C%28HQ%5C%29""#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    groups: Vec<Vec<Clause>>,
}

impl Filter {
    /// An empty filter (matches everything; renders as nothing).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `clause` with AND to the last group.
    #[must_use]
    pub fn and(mut self, clause: Clause) -> Self {
        match self.groups.last_mut() {
            Some(group) => group.push(clause),
            None => self.groups.push(vec![clause]),
        }
        self
    }

    /// Joins `other`'s groups with OR: `(self) || (other)`.
    #[must_use]
    pub fn or(mut self, other: Filter) -> Self {
        self.groups.extend(other.groups);
        self
    }

    /// Whether the filter has no clause.
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(Vec::is_empty)
    }

    /// The filter as LogicMonitor syntax, escaped but not encoded (step 1 in the
    /// [`Filter`] docs): what the server reads after its two decodings.
    pub fn render(&self) -> Result<String> {
        let mut out = String::new();
        for (index, group) in self.groups.iter().filter(|g| !g.is_empty()).enumerate() {
            if index > 0 {
                out.push_str("||");
            }
            for (position, clause) in group.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                clause.render_into(&mut out)?;
            }
        }
        Ok(out)
    }
}

impl Filter {
    /// The `filter` query value before the request's own URL encoding (step 2 in the
    /// [`Filter`] docs): [`render`](Self::render)'s text with `\\`, `%`, `+` and
    /// `( ) $ & # [ ]` percent-encoded, so that the server's second decoding gives the
    /// text back.
    pub fn encoded(&self) -> Result<String> {
        let rendered = self.render()?;
        let mut out = String::with_capacity(rendered.len());
        for ch in rendered.chars() {
            if ch == '\\' || ch == '%' || ch == '+' || ESCAPE_SET.contains(&ch) {
                let _ = write!(out, "%{:02X}", u32::from(ch));
            } else {
                out.push(ch);
            }
        }
        Ok(out)
    }
}

impl From<Clause> for Filter {
    fn from(clause: Clause) -> Self {
        Self::new().and(clause)
    }
}

impl Filter {
    /// Reads a filter in the syntax [`render`](Self::render) writes, the inverse of it:
    /// `Filter::parse(&filter.render()?)` gives back `filter`, except that a string
    /// value's kind follows its text (a quoted value with a `*` is a
    /// [`FilterValue::Glob`], one without is a [`FilterValue::Text`]). A backslash before
    /// `"` or one of `( ) $ & # [ ]` makes that character literal; any other backslash is
    /// itself literal. Unquoted values are integers or `true` / `false`. An empty text is
    /// the empty filter.
    ///
    /// ```
    /// use logicmonitor_client::{Clause, Filter};
    ///
    /// let filter = Filter::from(Clause::eq("username", r#"x",status:"suspended"#))
    ///     .or(Filter::from(Clause::lt("lastLoginOn", 7)));
    /// assert_eq!(Filter::parse(&filter.render().unwrap()).unwrap(), filter);
    /// assert!(Filter::parse(r#"username:"open"#).is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        let mut reader = Reader { rest: text };
        let mut filter = Self::new();
        if text.is_empty() {
            return Ok(filter);
        }
        let mut group = Vec::new();
        loop {
            group.push(reader.clause()?);
            if reader.eat("||") {
                filter.groups.push(std::mem::take(&mut group));
            } else if !reader.eat(",") {
                break;
            }
        }
        filter.groups.push(group);
        if reader.rest.is_empty() {
            Ok(filter)
        } else {
            Err(reader.error("expected `,`, `||` or the end"))
        }
    }
}

/// The unread rest of a filter being parsed.
struct Reader<'a> {
    rest: &'a str,
}

impl Reader<'_> {
    fn error(&self, expected: &str) -> Error {
        let shown: String = self.rest.chars().take(20).collect();
        Error::invalid_input("filter", format!("{expected} at {shown:?}"))
    }

    fn eat(&mut self, token: &str) -> bool {
        match self.rest.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn clause(&mut self) -> Result<Clause> {
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(self.rest.len());
        let field = &self.rest[..end];
        if !is_field_name(field) {
            return Err(self.error("expected a field name"));
        }
        self.rest = &self.rest[end..];
        // Two-character operators first: `!:` before `:`, `>:` before `>`.
        let op = [
            Operator::Ne,
            Operator::NotContains,
            Operator::Ge,
            Operator::Le,
            Operator::Eq,
            Operator::Gt,
            Operator::Lt,
            Operator::Contains,
        ]
        .into_iter()
        .find(|op| self.eat(op.as_str()))
        .ok_or_else(|| self.error("expected an operator"))?;
        let mut values = vec![self.value()?];
        // One `|` separates values; `||` separates groups.
        while self.rest.starts_with('|') && !self.rest.starts_with("||") {
            self.rest = &self.rest[1..];
            values.push(self.value()?);
        }
        Ok(Clause {
            field: field.to_owned(),
            op,
            values,
        })
    }

    fn value(&mut self) -> Result<FilterValue> {
        if self.eat("\"") {
            return self.quoted();
        }
        let end = self.rest.find([',', '|']).unwrap_or(self.rest.len());
        let word = &self.rest[..end];
        let value = match word {
            "true" => FilterValue::Bool(true),
            "false" => FilterValue::Bool(false),
            _ if word.bytes().enumerate().all(|(index, b)| {
                b.is_ascii_digit() || (index == 0 && b == b'-' && word.len() > 1)
            }) && !word.is_empty() =>
            {
                FilterValue::Int(
                    word.parse()
                        .map_err(|_| self.error("expected a 64-bit integer"))?,
                )
            }
            _ => return Err(self.error("expected a quoted string, an integer or a boolean")),
        };
        self.rest = &self.rest[end..];
        Ok(value)
    }

    /// The rest of a quoted value, after its opening quote.
    fn quoted(&mut self) -> Result<FilterValue> {
        let mut text = String::new();
        let mut chars = self.rest.char_indices().peekable();
        while let Some((index, ch)) = chars.next() {
            match ch {
                '"' => {
                    self.rest = &self.rest[index + 1..];
                    return Ok(if text.contains('*') {
                        FilterValue::Glob(text)
                    } else {
                        FilterValue::Text(text)
                    });
                }
                '\\' => match chars.next_if(|(_, next)| is_escaped(*next)) {
                    Some((_, escaped)) => text.push(escaped),
                    None => text.push(ch),
                },
                _ => text.push(ch),
            }
        }
        Err(self.error("expected the closing `\"`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_operator() {
        let cases = [
            (Clause::eq("status", "active"), r#"status:"active""#),
            (Clause::ne("status", "active"), r#"status!:"active""#),
            (Clause::gt("id", 5), "id>5"),
            (Clause::lt("lastLoginOn", 7_i64), "lastLoginOn<7"),
            (Clause::ge("id", 5), "id>:5"),
            (Clause::le("lastLoginOn", 7_i64), "lastLoginOn<:7"),
            (Clause::contains("username", "svc"), r#"username~"svc""#),
            (
                Clause::not_contains("username", "svc"),
                r#"username!~"svc""#,
            ),
            (Clause::glob("username", "*svc*"), r#"username:"*svc*""#),
            (Clause::eq("apionly", false), "apionly:false"),
            (
                Clause::any_of("status", ["active", "suspended"]),
                r#"status:"active"|"suspended""#,
            ),
            (
                Clause::eq("roles.name", "readonly"),
                r#"roles.name:"readonly""#,
            ),
        ];
        for (clause, expected) in cases {
            assert_eq!(Filter::from(clause).render().unwrap(), expected);
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let filter = Filter::new()
            .and(Clause::eq("a", 1))
            .and(Clause::eq("b", 2))
            .or(Filter::from(Clause::eq("c", 3)));
        assert_eq!(filter.render().unwrap(), "a:1,b:2||c:3");
        assert_eq!(Filter::new().render().unwrap(), "");
        assert!(Filter::new().is_empty());
    }

    #[test]
    fn quotes_and_the_modules_escape_set_get_a_backslash_and_nothing_else() {
        let value = r#"a"b,c||d\e*f(g)h$i&j#k[l]m+n%o p"#;
        let rendered = Filter::from(Clause::eq("username", value))
            .render()
            .unwrap();
        assert_eq!(
            rendered,
            r#"username:"a\"b,c||d\e*f\(g\)h\$i\&j\#k\[l\]m+n%o p""#
        );
        // Outside the escapes there is exactly one unescaped quote pair.
        let mut unescaped = String::new();
        let mut chars = rendered.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch == '\\' && chars.next_if(|next| is_escaped(*next)).is_some() {
                continue;
            }
            unescaped.push(ch);
        }
        assert_eq!(unescaped.matches('"').count(), 2, "{unescaped}");
        // A glob is written the same way: `*` has no escape.
        assert_eq!(
            Filter::from(Clause::glob("username", "a*\""))
                .render()
                .unwrap(),
            r#"username:"a*\"""#
        );
    }

    #[test]
    fn encoded_percent_encodes_what_a_second_decoding_would_change() {
        let filter = Filter::from(Clause::eq("email", "jane+admin@corp.example"))
            .and(Clause::eq("name", r"100% (a\b) $&#[]"));
        assert_eq!(
            filter.encoded().unwrap(),
            concat!(
                r#"email:"jane%2Badmin@corp.example","#,
                r#"name:"100%25 %5C%28a%5Cb%5C%29 %5C%24%5C%26%5C%23%5C%5B%5C%5D""#
            )
        );
        // Plain filters are the same text either way.
        let plain = Filter::from(Clause::eq("status", "active")).and(Clause::le("id", 5));
        assert_eq!(plain.encoded().unwrap(), plain.render().unwrap());
    }

    #[test]
    fn a_value_ending_with_a_backslash_is_refused() {
        for value in [r"a\", r"\"] {
            let error = Filter::from(Clause::eq("username", value))
                .render()
                .unwrap_err();
            assert!(
                matches!(&error, Error::InvalidInput { field, .. } if field == "filter"),
                "{error:?}"
            );
        }
        // Anywhere else a backslash is kept, even before an escaped character.
        for value in [r"a\b", r"a\(", r#"a\""#, r"\\x", r"a\\(b"] {
            let filter = Filter::from(Clause::eq("username", value));
            let rendered = filter.render().unwrap();
            assert_eq!(Filter::parse(&rendered).unwrap(), filter, "{rendered}");
        }
    }

    #[test]
    fn bad_field_names_and_empty_value_lists_are_invalid_input() {
        for field in ["", "user name", "a,b", "x:y", "a..b", ".a"] {
            let error = Filter::from(Clause::eq(field, 1)).render().unwrap_err();
            assert!(
                matches!(&error, Error::InvalidInput { field, .. } if field == "filter"),
                "{error:?}"
            );
        }
        let empty = Clause::any_of::<&str>("status", []);
        assert!(Filter::from(empty).render().is_err());
    }

    #[test]
    fn parse_reads_back_what_render_wrote() {
        let filters = [
            Filter::new(),
            Filter::from(Clause::glob("username", r#"a"b,c||d\e*f(x)$&#[]"#)),
            Filter::from(Clause::eq("username", r#"q"u\o(t)e"#)),
            Filter::from(Clause::glob("username", r"*svc\*"))
                .and(Clause::ne("status", "suspended"))
                .or(Filter::from(Clause::any_of("id", [-1_i64, 0, i64::MAX])))
                .or(Filter::from(Clause::le("lastLoginOn", i64::MIN))
                    .and(Clause::eq("apionly", true))),
            Filter::from(Clause::contains("roles.name", "|"))
                .and(Clause::not_contains("email", ","))
                .and(Clause::gt("id", 1))
                .and(Clause::ge("id", 2))
                .and(Clause::any_of("status", ["", "\"\""])),
        ];
        for filter in filters {
            let rendered = filter.render().unwrap();
            assert_eq!(Filter::parse(&rendered).unwrap(), filter, "{rendered}");
        }
    }

    #[test]
    fn parse_gives_a_value_the_kind_its_text_has() {
        let star = Filter::from(Clause::eq("username", "a*b"))
            .render()
            .unwrap();
        assert_eq!(
            Filter::parse(&star).unwrap(),
            Filter::from(Clause::glob("username", "a*b"))
        );
        let plain = Filter::from(Clause::glob("username", "svc"))
            .render()
            .unwrap();
        assert_eq!(
            Filter::parse(&plain).unwrap(),
            Filter::from(Clause::eq("username", "svc"))
        );
        // A backslash before a character outside the escape set is a plain character.
        assert_eq!(
            Filter::parse(r#"username:"a\,b\*""#).unwrap(),
            Filter::from(Clause::glob("username", r"a\,b\*"))
        );
    }

    #[test]
    fn parse_rejects_what_render_never_writes() {
        for text in [
            r#"username:"open"#,
            r#"username:"a\"#,
            r#"username"x""#,
            r#":"x""#,
            r#"user name:"x""#,
            r#"a..b:"x""#,
            r#"username:"x"y"#,
            "username:x",
            "id:-",
            "id:9223372036854775808",
            "id:1,",
            "id:1||",
            "id:1|",
        ] {
            let error = Filter::parse(text).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidInput { field, .. } if field == "filter"),
                "{text}: {error:?}"
            );
        }
    }
}
