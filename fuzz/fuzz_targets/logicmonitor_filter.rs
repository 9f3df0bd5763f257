//! LogicMonitor filters: whatever the values hold, a rendered filter parses back to the
//! same filter (so no value can end its quotes or add a clause; a string value's kind
//! follows its text, since `*` has no escape), the encoded form decodes back to the
//! rendered one, and any text either fails to parse or parses to a filter that renders
//! and parses back to itself.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use logicmonitor_client::{Clause, Error, Filter, FilterValue, Operator};

#[derive(Debug, Arbitrary)]
enum Value {
    Text(String),
    Glob(String),
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Arbitrary)]
struct ClauseSpec {
    field: String,
    op: u8,
    values: Vec<Value>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Groups joined with OR, each a list of clauses joined with AND.
    groups: Vec<Vec<ClauseSpec>>,
    /// Text to parse as it is.
    text: String,
}

const OPERATORS: [Operator; 8] = [
    Operator::Eq,
    Operator::Ne,
    Operator::Gt,
    Operator::Lt,
    Operator::Ge,
    Operator::Le,
    Operator::Contains,
    Operator::NotContains,
];

fuzz_target!(|input: Input| {
    built_filters_round_trip(&input.groups);
    parsed_filters_are_stable(&input.text);
});

fn built_filters_round_trip(groups: &[Vec<ClauseSpec>]) {
    let mut filter = Filter::new();
    let mut expected = Filter::new();
    let mut valid = true;
    for group in groups.iter().filter(|group| !group.is_empty()) {
        let (mut built, mut normal) = (Filter::new(), Filter::new());
        for spec in group {
            let op = OPERATORS[usize::from(spec.op) % OPERATORS.len()];
            built = built.and(clause(spec, op, false));
            normal = normal.and(clause(spec, op, true));
            valid &= is_field_name(&spec.field)
                && !spec.values.is_empty()
                && !spec.values.iter().any(ends_with_backslash);
        }
        filter = filter.or(built);
        expected = expected.or(normal);
    }
    match filter.render() {
        Ok(rendered) => {
            assert!(
                valid,
                "rendered a filter with a bad field or no value: {rendered}"
            );
            match Filter::parse(&rendered) {
                Ok(parsed) => assert_eq!(parsed, expected, "{rendered}"),
                Err(error) => panic!("{rendered:?} does not parse back: {error}"),
            }
            let encoded = filter.encoded().expect("what renders encodes");
            assert_eq!(percent_decode(&encoded), rendered, "{encoded}");
        }
        Err(error) => {
            assert!(!valid, "a valid filter was refused: {error}");
            assert!(matches!(&error, Error::InvalidInput { field, .. } if field == "filter"));
        }
    }
}

/// The clause of `spec`: one value with its operator, or any of several (or none) with
/// `:`. With `normal`, a string value's kind follows its text: a glob without a `*` is
/// the equal plain text, a text with one the equal glob.
fn clause(spec: &ClauseSpec, op: Operator, normal: bool) -> Clause {
    let value = |value: &Value| match value {
        Value::Text(text) | Value::Glob(text) if normal => {
            if text.contains('*') {
                FilterValue::Glob(text.clone())
            } else {
                FilterValue::Text(text.clone())
            }
        }
        Value::Text(text) => FilterValue::Text(text.clone()),
        Value::Glob(text) => FilterValue::Glob(text.clone()),
        Value::Int(number) => FilterValue::Int(*number),
        Value::Bool(flag) => FilterValue::Bool(*flag),
    };
    match spec.values.as_slice() {
        [one] => Clause::new(spec.field.clone(), op, value(one)),
        many => Clause::any_of(
            spec.field.clone(),
            many.iter().map(value).collect::<Vec<_>>(),
        ),
    }
}

/// A string value ending with a backslash can not be written (it would escape the quote).
fn ends_with_backslash(value: &Value) -> bool {
    matches!(value, Value::Text(text) | Value::Glob(text) if text.ends_with('\\'))
}

/// Undoes the client's own percent-encoding (`%XX` to the byte), as the server's second
/// decoding does for a value the client wrote (no `+` is left unencoded by it).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).expect("decoding gives back UTF-8 text")
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
}

fn parsed_filters_are_stable(text: &str) {
    let Ok(parsed) = Filter::parse(text) else {
        return;
    };
    let rendered = parsed.render().unwrap_or_else(|error| {
        panic!("{text:?} parsed to a filter that does not render: {error}")
    });
    assert_eq!(
        Filter::parse(&rendered).ok().as_ref(),
        Some(&parsed),
        "{text:?} rendered as {rendered:?}"
    );
}
