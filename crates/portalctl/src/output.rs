//! Printing user records: aligned tables for people, JSON and CSV for programs.

use std::io::{self, Write};

use crate::record::UserRecord;

/// How records are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns.
    #[default]
    Table,
    /// A JSON array of records.
    Json,
    /// CSV with a header row; roles and groups joined with `;`.
    Csv,
}

const COLUMNS: [&str; 11] = [
    "portal",
    "vendor",
    "tenant",
    "id",
    "email",
    "name",
    "status",
    "last_login",
    "roles",
    "groups",
    "inactive",
];

/// Writes `records` in `format`.
pub fn write_records(
    out: &mut dyn Write,
    records: &[UserRecord],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, records)?;
            writeln!(out)
        }
        Format::Csv => write_csv(out, records),
        Format::Table => {
            let header: Vec<String> = COLUMNS
                .iter()
                .map(|column| column.to_uppercase().replace('_', " "))
                .collect();
            let rows: Vec<Vec<String>> = records.iter().map(|record| cells(record, "-")).collect();
            write_table(out, &header, &rows)
        }
    }
}

fn cells(record: &UserRecord, missing: &str) -> Vec<String> {
    let or_missing = |value: &Option<String>| value.clone().unwrap_or_else(|| missing.to_owned());
    vec![
        record.portal.clone(),
        record.vendor.to_string(),
        or_missing(&record.tenant),
        record.id.clone(),
        or_missing(&record.email),
        or_missing(&record.name),
        record.status.as_str().to_owned(),
        record.last_login.display(),
        record.roles.join(";"),
        record.groups.join(";"),
        if record.inactive { "yes" } else { "no" }.to_owned(),
    ]
}

fn write_csv(out: &mut dyn Write, records: &[UserRecord]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    for record in records {
        let mut row = cells(record, "");
        // Programs get the machine form: RFC 3339 or empty, true/false.
        row[7] = match record.last_login {
            crate::record::LastLogin::At(_) => row[7].clone(),
            _ => String::new(),
        };
        row[10] = record.inactive.to_string();
        writer.write_record(&row)?;
    }
    writer.flush()
}

/// Writes rows under a header, each column as wide as its widest cell.
pub fn write_table(out: &mut dyn Write, header: &[String], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        writeln!(out, "{}", line.join("  ").trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Vendor;
    use crate::record::{LastLogin, UserStatus};

    fn records() -> Vec<UserRecord> {
        vec![
            UserRecord {
                portal: "lm".into(),
                vendor: Vendor::Logicmonitor,
                tenant: None,
                id: "7".into(),
                email: Some("jane@corp.example".into()),
                name: Some("Jane, \"JD\" Doe".into()),
                status: UserStatus::Active,
                last_login: LastLogin::Never,
                roles: vec!["admin".into(), "readonly".into()],
                groups: vec!["Ops".into()],
                inactive: true,
                provisioned_by: None,
                activity: crate::record::ActivityFacts::default(),
            },
            UserRecord {
                portal: "allthenticate".into(),
                vendor: Vendor::Allthenticate,
                tenant: Some("acme".into()),
                id: "u-1".into(),
                email: None,
                name: None,
                status: UserStatus::Suspended,
                last_login: LastLogin::Unknown,
                roles: vec![],
                groups: vec![],
                inactive: false,
                provisioned_by: None,
                activity: crate::record::ActivityFacts::default(),
            },
        ]
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        write_records(&mut out, &records(), format).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn table_columns_line_up() {
        let text = render(Format::Table);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let column = |line: &str| {
            line.find("STATUS")
                .or_else(|| line.find("active"))
                .or_else(|| line.find("suspended"))
        };
        assert_eq!(column(lines[0]), column(lines[1]));
        assert_eq!(column(lines[0]), column(lines[2]));
        assert!(lines[1].contains("never") && lines[1].contains("admin;readonly"));
    }

    #[test]
    fn json_is_an_array_of_records() {
        let value: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(value.as_array().unwrap().len(), 2);
        assert_eq!(value[0]["email"], "jane@corp.example");
        assert!(value[1]["email"].is_null());
    }

    #[test]
    fn csv_quotes_and_uses_machine_values() {
        let text = render(Format::Csv);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            COLUMNS
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][5], "Jane, \"JD\" Doe");
        assert_eq!(&rows[0][7], "");
        assert_eq!(&rows[0][10], "true");
        assert_eq!(&rows[1][2], "acme");
    }
}
