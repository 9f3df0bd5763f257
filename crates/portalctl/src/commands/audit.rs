//! `audit`: everyone, everywhere, with last login and an inactivity flag, and a count of
//! the inactive on stderr.

use chrono::{DateTime, Utc};

use crate::commands::users;
use crate::exit::{Done, Stop};
use crate::record::UserRecord;
use crate::runner::Runner;

/// Lists every portal and prints everyone, flagged inactive past `days`.
pub async fn run(runner: &Runner<'_>, days: u32) -> Result<Done, Stop> {
    let gathered = runner.gather(None).await;
    let done = gathered.done();
    let mut records = users::records(gathered.listed);
    let inactive = mark_inactive(&mut records, Utc::now(), days);
    users::print(runner, &records)?;
    eprintln!(
        "portalctl: {} accounts, {inactive} inactive for more than {days} days",
        records.len()
    );
    Ok(done)
}

/// Flags every record idle longer than `days` before `now` (see
/// [`crate::record::LastLogin::is_idle`]); returns how many are.
pub fn mark_inactive(records: &mut [UserRecord], now: DateTime<Utc>, days: u32) -> usize {
    for record in records.iter_mut() {
        record.inactive = record.last_login.is_idle(now, days);
    }
    records.iter().filter(|record| record.inactive).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::LastLogin;
    use crate::record::tests::{now, user};
    use chrono::Duration;

    #[test]
    fn flags_exactly_the_idle() {
        let logged_in = |id, last_login| UserRecord {
            last_login,
            ..user("lm", id)
        };
        let mut records = vec![
            logged_in("recent", LastLogin::At(now() - Duration::days(10))),
            logged_in("old", LastLogin::At(now() - Duration::days(91))),
            logged_in("never", LastLogin::Never),
            logged_in("unknown", LastLogin::Unknown),
        ];
        assert_eq!(mark_inactive(&mut records, now(), 90), 2);
        let flags: Vec<_> = records.iter().map(|record| record.inactive).collect();
        assert_eq!(flags, [false, true, true, false]);
    }
}
