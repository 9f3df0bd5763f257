//! `--from FILE`: the people a bulk command acts on, read and checked before anything is
//! sent. One address per line, or a CSV whose header has an `email` column; blank lines
//! and lines starting with `#` are ignored. Addresses are lower-cased and each is kept
//! once, in file order.

use std::collections::HashSet;
use std::path::Path;

use crate::commands::check_email;
use crate::exit::Stop;

/// The people a command acts on: `email` (lower-cased), or every address in the `from`
/// file; a bad address or line is a usage error.
pub fn people(email: Option<&str>, from: Option<&Path>) -> Result<Vec<String>, Stop> {
    match (email, from) {
        (Some(email), None) => check_email(email).map(|()| vec![email.to_lowercase()]),
        (None, Some(path)) => read(path),
        _ => Err(Stop::Usage(
            "give either EMAIL or --from FILE, not both".to_owned(),
        )),
    }
}

/// Reads the people file at `path`; a bad line is a usage error naming the file and line.
pub fn read(path: &Path) -> Result<Vec<String>, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Stop::Usage(format!("--from `{}`: {error}", path.display())))?;
    parse(&text).map_err(|error| Stop::Usage(format!("--from `{}`: {error}", path.display())))
}

/// The addresses in a people file's `text`; `Err` names the first bad line.
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let first = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'));
    let Some(first) = first else {
        return Err("no email addresses".to_owned());
    };
    let numbered = if first.contains(',') || first.eq_ignore_ascii_case("email") {
        csv_rows(text)?
    } else {
        text.lines()
            .enumerate()
            .map(|(index, line)| (index + 1, line.trim().to_owned()))
            .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
            .collect()
    };
    let mut seen = HashSet::new();
    let mut people = Vec::new();
    for (line, value) in numbered {
        if core_http::validate::email("email", &value).is_err() {
            return Err(format!("line {line}: `{value}` is not an email address"));
        }
        let email = value.to_lowercase();
        if seen.insert(email.clone()) {
            people.push(email);
        }
    }
    Ok(people)
}

/// The `email` column of a CSV people file, with each row's line number.
fn csv_rows(text: &str) -> Result<Vec<(usize, String)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let column = reader
        .headers()
        .map_err(|error| error.to_string())?
        .iter()
        .position(|name| name.eq_ignore_ascii_case("email"))
        .ok_or_else(|| "the CSV header has no `email` column".to_owned())?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| match error.position() {
            Some(position) => format!("line {}: {error}", line_at(text, position)),
            None => error.to_string(),
        })?;
        let line = record
            .position()
            .map_or(0, |position| line_at(text, position));
        rows.push((line, record.get(column).unwrap_or_default().to_owned()));
    }
    Ok(rows)
}

/// The 1-based line of `text` where the record at `position` is. The CSV reader's own
/// line count passes over blank lines, and a record's offset may point at the blank or
/// comment lines before it, so those are stepped over here.
pub(crate) fn line_at(text: &str, position: &csv::Position) -> usize {
    let mut byte = usize::try_from(position.byte()).map_or(text.len(), |byte| byte.min(text.len()));
    while let Some(rest) = text.get(byte..) {
        let end = rest.find('\n').map_or(rest.len(), |end| end + 1);
        let line = rest[..end].trim();
        if end == 0 || !(line.is_empty() || line.starts_with('#')) {
            break;
        }
        byte += end;
    }
    text[..byte].lines().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_per_line_skipping_blanks_comments_and_repeats() {
        let text =
            "# leavers, December\n\nJane@Corp.example\n  bob@corp.example  \njane@corp.example\n";
        assert_eq!(
            parse(text).unwrap(),
            ["jane@corp.example", "bob@corp.example"]
        );
    }

    #[test]
    fn a_csv_is_read_by_its_email_column() {
        let text = "name,Email,team\n# contractors\nJane Doe,jane@corp.example,ops\n\nBob,bob@corp.example,dev\n";
        assert_eq!(
            parse(text).unwrap(),
            ["jane@corp.example", "bob@corp.example"]
        );
        assert_eq!(
            parse("name,mail\nJane,jane@corp.example\n").unwrap_err(),
            "the CSV header has no `email` column"
        );
    }

    #[test]
    fn a_bad_line_is_named_by_its_number() {
        assert_eq!(
            parse("jane@corp.example\n# x\nbob\n").unwrap_err(),
            "line 3: `bob` is not an email address"
        );
        assert_eq!(
            parse("name,email\nJane,jane@corp.example\n\nBob,\n").unwrap_err(),
            "line 4: `` is not an email address"
        );
        assert_eq!(
            parse("# only a comment\n\n").unwrap_err(),
            "no email addresses"
        );
    }
}
