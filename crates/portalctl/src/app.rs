//! Running a parsed command line: check the input, find the portals (or start the
//! built-in sandbox), connect them, and hand the command to [`crate::commands`].

use crate::builtin;
use crate::cli::{Cli, Command, PolicyCommand};
use crate::commands;
use crate::directory::Directory;
use crate::exit::{Done, Stop};
use crate::files;
use crate::runner::Runner;

/// Runs the command line. `Err` means nothing was done.
pub async fn run(cli: Cli) -> Result<Done, Stop> {
    if matches!(cli.command, Command::Sandbox) {
        return commands::sandbox::run().await;
    }
    commands::check_input(&cli.command)?;
    if let Command::Policy {
        command: PolicyCommand::Check { policy },
    } = &cli.command
    {
        return commands::policy::check(policy);
    }
    let (config, sandbox) = if let Some(path) = files::locate_config(cli.config.as_deref())? {
        (files::load_config(&path)?, None)
    } else {
        let (config, running) = builtin::start_announced().await?;
        (config, Some(running))
    };
    let directory = Directory::connect(&config).map_err(|error| Stop::Usage(error.to_string()))?;
    commands::check_portals(&cli.command, &directory)?;
    let runner = Runner::new(
        &directory,
        cli.format.into(),
        cli.apply,
        files::journal_path(cli.journal),
    );
    let done = commands::run(cli.command, &runner).await;
    if let Some(running) = sandbox {
        running.shutdown().await;
    }
    done
}
