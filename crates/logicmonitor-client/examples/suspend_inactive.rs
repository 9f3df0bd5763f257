//! Suspend users who have not logged in for N days and file them in a "Suspended" group:
//! the community thread's config-source script, done right.
//!
//! ```text
//! cargo run -p logicmonitor-client --example suspend_inactive -- [--days 90] [--group Suspended]
//!     [--include-never-logged-in | --exclude-never-logged-in] [--include-api-only] [--apply]
//! ```
//!
//! Credentials come from the environment: `LM_ACCOUNT` and either `LM_ACCESS_ID` +
//! `LM_ACCESS_KEY` (LMv1) or `LM_BEARER_TOKEN`. Without them it runs against an
//! in-process sandbox with 2,000 seeded users. Nothing changes without `--apply`: the
//! plan is printed instead. Users who never logged in are included unless told
//! otherwise (and reported as such); API-only users are left alone unless
//! `--include-api-only`.

use std::process::ExitCode;

use chrono::{Duration, Utc};
use futures_util::TryStreamExt;
use logicmonitor_client::{
    AdminStatus, ApiOnlyUsers, Client, InactiveUser, LastLogin, NeverLoggedIn,
};
use portal_sandbox::Sandbox;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use secrecy::SecretString;

struct Options {
    days: i64,
    group: String,
    never_logged_in: NeverLoggedIn,
    api_only: ApiOnlyUsers,
    apply: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        days: 90,
        group: "Suspended".to_owned(),
        never_logged_in: NeverLoggedIn::Include,
        api_only: ApiOnlyUsers::Exclude,
        apply: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--days" => {
                let value = args.next().ok_or("--days needs a number")?;
                options.days = value
                    .parse()
                    .map_err(|_| format!("not a number of days: {value}"))?;
                if options.days < 1 {
                    return Err("--days must be at least 1".to_owned());
                }
            }
            "--group" => options.group = args.next().ok_or("--group needs a name")?,
            "--include-never-logged-in" => options.never_logged_in = NeverLoggedIn::Include,
            "--exclude-never-logged-in" => options.never_logged_in = NeverLoggedIn::Exclude,
            "--include-api-only" => options.api_only = ApiOnlyUsers::Include,
            "--apply" => options.apply = true,
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(options)
}

/// A client from the environment, or one on a fresh sandbox (kept alive by the caller).
async fn connect() -> Result<(Client, Option<Sandbox>), Box<dyn std::error::Error>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(account) = env("LM_ACCOUNT") {
        let builder = Client::builder().account(account);
        let builder = match (
            env("LM_ACCESS_ID"),
            env("LM_ACCESS_KEY"),
            env("LM_BEARER_TOKEN"),
        ) {
            (Some(id), Some(key), _) => builder.lmv1(id, SecretString::from(key)),
            (_, _, Some(token)) => builder.bearer(SecretString::from(token)),
            _ => return Err("set LM_ACCESS_ID and LM_ACCESS_KEY, or LM_BEARER_TOKEN".into()),
        };
        return Ok((builder.build()?, None));
    }
    eprintln!("No LM_ACCOUNT set: using an in-process sandbox with 2,000 users.");
    let lm = LogicMonitorSim::builder().seed(2024).users(2_000).build();
    let sandbox = Sandbox::builder().router(lm.router()).start().await?;
    let client = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .lmv1(lm.access_id(), SecretString::from(lm.access_key()))
        .build()?;
    Ok((client, Some(sandbox)))
}

fn describe(user: &InactiveUser) -> String {
    let name = user.user.username.as_deref().unwrap_or("?");
    match user.last_login {
        LastLogin::Never => format!("{:>8}  {name}  (never logged in)", user.user.id),
        LastLogin::At(at) => format!(
            "{:>8}  {name}  (last login {})",
            user.user.id,
            at.format("%Y-%m-%d")
        ),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: &Options) -> Result<(), Box<dyn std::error::Error>> {
    let (client, _sandbox) = connect().await?;
    let cutoff = Utc::now() - Duration::days(options.days);
    let idle: Vec<InactiveUser> = client
        .users()
        .inactive_since(cutoff)
        .never_logged_in(options.never_logged_in)
        .api_only(options.api_only)
        .stream()
        .try_collect()
        .await?;
    let never = idle
        .iter()
        .filter(|u| u.last_login == LastLogin::Never)
        .count();
    println!(
        "{} active users idle for more than {} days ({never} never logged in; API-only users {}):",
        idle.len(),
        options.days,
        match options.api_only {
            ApiOnlyUsers::Exclude => "excluded",
            ApiOnlyUsers::Include => "included",
        }
    );
    for user in idle.iter().take(20) {
        println!("{}", describe(user));
    }
    if idle.len() > 20 {
        println!("     ... and {} more", idle.len() - 20);
    }
    let existing = client.groups().find_by_name(&options.group).await?;
    if !options.apply {
        match &existing {
            Some(group) => println!(
                "Would suspend them and move them to {:?} (id {}).",
                options.group, group.id
            ),
            None => println!(
                "Would create the group {:?}, suspend them and move them there.",
                options.group
            ),
        }
        println!("Dry run: nothing changed. Re-run with --apply to do it.");
        return Ok(());
    }
    let group = if let Some(group) = existing {
        group
    } else {
        let group = client
            .groups()
            .create(&options.group, Some("Users suspended for inactivity"))
            .await?;
        println!("Created the group {:?} (id {}).", options.group, group.id);
        group
    };
    let mut failed = 0;
    for user in &idle {
        let result = client
            .users()
            .update(user.user.id)
            .status(AdminStatus::Suspended)
            .admin_group_ids([group.id])
            .send()
            .await;
        if let Err(error) = result {
            failed += 1;
            eprintln!("could not suspend {}: {error}", user.user.id);
        }
    }
    println!(
        "Suspended and moved {} users; {failed} failed.",
        idle.len() - failed
    );
    if failed > 0 {
        return Err(format!("{failed} users could not be suspended").into());
    }
    Ok(())
}
