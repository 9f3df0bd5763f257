//! Running a parsed command line: check the input, find the portals (or start the
//! built-in sandbox), connect them, with `--apply` take the journal lock, and hand the command to [`crate::commands`].

use crate::builtin;
use crate::cli::Cli;
use crate::commands;
use crate::directory::Directory;
use crate::exit::{Done, Stop};
use crate::files;
use crate::journal_lock::JournalLock;
use crate::runner::Runner;

/// Runs the command line. `Err` means nothing was done.
pub async fn run(cli: Cli) -> Result<Done, Stop> {
    let input = commands::check_input(&cli.command)?;
    if let Some(done) = commands::run_without_portals(&cli.command, cli.format.into()).await {
        return done;
    }
    let (config, sandbox) = if let Some(path) = files::locate_config(cli.config.as_deref())? {
        (files::load_config(&path)?, None)
    } else {
        let (config, running) = builtin::start_announced().await?;
        (config, Some(running))
    };
    let directory = Directory::connect(&config).map_err(|error| Stop::Usage(error.to_string()))?;
    commands::check_portals(&cli.command, &directory)?;
    let journal = files::journal_path(cli.journal);
    let _lock = if cli.apply {
        Some(JournalLock::acquire(&journal, cli.wait)?)
    } else {
        None
    };
    let runner = Runner::new(&directory, cli.format.into(), cli.apply, journal);
    let done = commands::run(cli.command, input, &runner).await;
    if let Some(running) = sandbox {
        running.shutdown().await;
    }
    done
}
