//! `reconcile --roster FILE`: the people an HR or identity-provider export lists, read as
//! CSV with configurable columns. A bad row is refused naming its line and column.

use std::path::Path;

use chrono::NaiveDate;

use crate::exit::Stop;
use crate::people_file::line_at;

/// Which roster columns mean what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The email column (required).
    pub email: String,
    /// The status column; `None`: `status` when the header has it.
    pub status: Option<String>,
    /// The end-date column (`YYYY-MM-DD`, may be empty); `None`: `end_date` when the
    /// header has it.
    pub end_date: Option<String>,
    /// Status values meaning the person has left (compared case-insensitively).
    pub left_values: Vec<String>,
}

/// One roster row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Its line in the file.
    pub line: usize,
    /// The address as written (trimmed).
    pub email: String,
    /// Whether the roster says the person has left (status, or an end date before today).
    pub left: bool,
}

/// Reads the roster at `path`; a bad row is a usage error naming the file, line and column.
pub fn read(path: &Path, columns: &Columns, today: NaiveDate) -> Result<Vec<Person>, Stop> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Stop::Usage(format!("--roster `{}`: {error}", path.display())))?;
    parse(&text, columns, today)
        .map_err(|error| Stop::Usage(format!("--roster `{}`: {error}", path.display())))
}

/// The rows of a roster's `text`; `Err` names the first bad line and column.
pub fn parse(text: &str, columns: &Columns, today: NaiveDate) -> Result<Vec<Person>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|error| error.to_string())?.clone();
    let find = |name: &str| {
        header
            .iter()
            .position(|column| column.eq_ignore_ascii_case(name))
    };
    let optional = |given: &Option<String>, default: &str| match given {
        Some(name) => find(name)
            .map(|index| Some((name.clone(), index)))
            .ok_or_else(|| format!("line 1: the header has no column `{name}`")),
        None => Ok(find(default).map(|index| (default.to_owned(), index))),
    };
    let email = find(&columns.email)
        .ok_or_else(|| format!("line 1: the header has no column `{}`", columns.email))?;
    let status = optional(&columns.status, "status")?;
    let end_date = optional(&columns.end_date, "end_date")?;
    let mut people = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| match error.position() {
            Some(position) => format!("line {}: {error}", line_at(text, position)),
            None => error.to_string(),
        })?;
        let line = record
            .position()
            .map_or(0, |position| line_at(text, position));
        let field = |index: usize| record.get(index).unwrap_or_default();
        let address = field(email);
        if core_http::validate::email("email", address).is_err() {
            return Err(format!(
                "line {line}, column `{}`: `{address}` is not an email address",
                columns.email
            ));
        }
        let left_by_status = status.as_ref().is_some_and(|(_, index)| {
            columns
                .left_values
                .iter()
                .any(|value| value.eq_ignore_ascii_case(field(*index)))
        });
        let left_by_date = match &end_date {
            Some((name, index)) if !field(*index).is_empty() => {
                NaiveDate::parse_from_str(field(*index), "%Y-%m-%d").map_err(|_| {
                    format!(
                        "line {line}, column `{name}`: `{}` is not a date (YYYY-MM-DD)",
                        field(*index)
                    )
                })? < today
            }
            _ => false,
        };
        people.push(Person {
            line,
            email: address.to_owned(),
            left: left_by_status || left_by_date,
        });
    }
    Ok(people)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Columns {
        Columns {
            email: "email".into(),
            status: None,
            end_date: None,
            left_values: vec!["left".into(), "terminated".into()],
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    #[test]
    fn left_by_status_or_by_a_past_end_date() {
        let text = "name,Email,Status,end_date\nJane,jane@corp.example,active,\n# moved on\nBob,bob@corp.example,Terminated,\n\nAnn,ann@corp.example,active,2026-12-03\nEd,ed@corp.example,active,2026-12-04\n";
        let people = parse(text, &columns(), today()).unwrap();
        let seen: Vec<_> = people
            .iter()
            .map(|person| (person.line, person.email.as_str(), person.left))
            .collect();
        assert_eq!(
            seen,
            [
                (2, "jane@corp.example", false),
                (4, "bob@corp.example", true),
                (6, "ann@corp.example", true),
                (7, "ed@corp.example", false),
            ]
        );
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let bad_date = "email,leaving\njane@corp.example,\nbob@corp.example,31/12/2026\n";
        let named = Columns {
            end_date: Some("leaving".into()),
            ..columns()
        };
        assert_eq!(
            parse(bad_date, &named, today()).unwrap_err(),
            "line 3, column `leaving`: `31/12/2026` is not a date (YYYY-MM-DD)"
        );
        assert_eq!(
            parse("email\n\njane\n", &columns(), today()).unwrap_err(),
            "line 3, column `email`: `jane` is not an email address"
        );
        let missing = Columns {
            status: Some("state".into()),
            ..columns()
        };
        assert_eq!(
            parse("email\njane@corp.example\n", &missing, today()).unwrap_err(),
            "line 1: the header has no column `state`"
        );
    }
}
