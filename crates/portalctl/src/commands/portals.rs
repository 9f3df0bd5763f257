//! `portals`: every configured portal with the result of a connectivity and credentials
//! check, as a table or JSON.

use std::io::{self, Write};

use futures_util::future::join_all;
use serde_json::Value;

use crate::directory::Connected;
use crate::exit::{Done, Stop};
use crate::output::{Format, write_table};
use crate::portal::PortalError;
use crate::report;
use crate::runner::Runner;

/// A portal's check: what was seen, or why it failed.
pub type Check<'a> = (&'a Connected, Result<String, PortalError>);

/// Checks every portal concurrently and prints the results.
pub async fn run(runner: &Runner<'_>) -> Result<Done, Stop> {
    let checks: Vec<Check<'_>> = join_all(
        runner
            .directory()
            .portals
            .iter()
            .map(|portal| async move { (portal, portal.check().await) }),
    )
    .await;
    let failed = checks.iter().filter(|(_, result)| result.is_err()).count();
    let mut out = io::stdout().lock();
    if runner.format() == Format::Json {
        serde_json::to_writer_pretty(&mut out, &json(&checks))
            .map_err(|error| Stop::Failure(error.to_string()))?;
        writeln!(out).map_err(|error| report::output_stop(&error))?;
    } else {
        let header = ["PORTAL", "VENDOR", "STATUS", "DETAIL"].map(str::to_owned);
        write_table(&mut out, &header, &rows(&checks))
            .map_err(|error| report::output_stop(&error))?;
    }
    Ok(Done::from_counts(checks.len(), failed))
}

/// One table row per portal: name, vendor, `ok` or `failed`, and the detail.
pub fn rows(checks: &[Check<'_>]) -> Vec<Vec<String>> {
    checks
        .iter()
        .map(|(portal, result)| {
            let (status, detail) = match result {
                Ok(detail) => ("ok", detail.clone()),
                Err(reason) => ("failed", reason.to_string()),
            };
            vec![
                portal.name.clone(),
                portal.vendor().to_string(),
                status.to_owned(),
                detail,
            ]
        })
        .collect()
}

/// The checks as a JSON array of `{portal, vendor, ok, detail}`.
pub fn json(checks: &[Check<'_>]) -> Value {
    checks
        .iter()
        .map(|(portal, result)| {
            serde_json::json!({
                "portal": portal.name,
                "vendor": portal.vendor(),
                "ok": result.is_ok(),
                "detail": match result { Ok(detail) => detail.clone(), Err(reason) => reason.to_string() },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;

    #[test]
    fn each_check_is_a_row_and_a_json_object() {
        let directory = four();
        let checks: Vec<Check<'_>> = vec![
            (
                &directory.portals[0],
                Ok("token accepted (3 timezones)".to_owned()),
            ),
            (
                &directory.portals[3],
                Err(PortalError::NotFound("401 from the server".to_owned())),
            ),
        ];
        assert_eq!(
            rows(&checks),
            [
                ["tl", "threatlocker", "ok", "token accepted (3 timezones)"],
                ["lm", "logicmonitor", "failed", "401 from the server"],
            ]
        );
        assert_eq!(
            json(&checks),
            serde_json::json!([
                {"portal": "tl", "vendor": "threatlocker", "ok": true, "detail": "token accepted (3 timezones)"},
                {"portal": "lm", "vendor": "logicmonitor", "ok": false, "detail": "401 from the server"},
            ])
        );
    }
}
