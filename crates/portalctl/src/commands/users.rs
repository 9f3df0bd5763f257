//! `users`: the users of every portal, or of one, as a table, JSON or CSV.

use std::io::{self, Write};

use crate::commands::known;
use crate::directory::{Connected, Directory};
use crate::exit::{Done, Stop};
use crate::output::write_records;
use crate::record::UserRecord;
use crate::report;
use crate::runner::Runner;

/// Refuses `--portal` naming a portal that is not configured.
pub fn check_portals(only: Option<&str>, directory: &Directory) -> Result<(), Stop> {
    only.map_or(Ok(()), |name| known(directory, name).map(drop))
}

/// Lists every portal (or only `only`) and prints the users.
pub async fn run(runner: &Runner<'_>, only: Option<&str>) -> Result<Done, Stop> {
    let gathered = runner.gather(only).await;
    let done = gathered.done();
    print(runner, &records(gathered.listed))?;
    Ok(done)
}

/// Every listed user, portal after portal in configuration order.
pub fn records(listed: Vec<(&Connected, Vec<UserRecord>)>) -> Vec<UserRecord> {
    listed.into_iter().flat_map(|(_, users)| users).collect()
}

/// Prints `records` on stdout in the runner's format.
pub(crate) fn print(runner: &Runner<'_>, records: &[UserRecord]) -> Result<(), Stop> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    write_records(&mut out, records, runner.format())
        .and_then(|()| out.flush())
        .map_err(|error| report::output_stop(&error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::four;
    use crate::record::tests::user;

    #[test]
    fn records_keep_the_portal_order() {
        let directory = four();
        let listed = vec![
            (
                &directory.portals[1],
                vec![user("at", "1"), user("at", "2")],
            ),
            (&directory.portals[3], vec![user("lm", "7")]),
        ];
        let ids: Vec<_> = records(listed)
            .into_iter()
            .map(|record| (record.portal, record.id))
            .collect();
        assert_eq!(
            ids,
            [
                ("at".to_owned(), "1".to_owned()),
                ("at".to_owned(), "2".to_owned()),
                ("lm".to_owned(), "7".to_owned())
            ]
        );
    }
}
