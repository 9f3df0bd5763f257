//! LogicMonitor's official Python SDK (`logicmonitor-sdk`) as the baseline: the same
//! 100,000 users listed from the same sandbox (own process), 1000 per page with LMv1,
//! through the SDK's `get_admin_list` and through `logicmonitor-client` (one page at a
//! time, its default, and with `read_ahead(true)`), each listing in a fresh process,
//! rounds rotating which side goes first.
//!
//! Time is measured inside each process from the first request to the last item
//! (interpreter start-up and imports excluded); memory is each process's peak resident
//! set size (`VmHWM`); the CPU time each client process spent listing is reported too,
//! since on a loopback sandbox the wall time is bound by the sandbox. Targets: ≥ 20× faster (time ratio ≤ 0.05) and ≥ 5× less memory
//! (memory ratio ≤ 0.20). The SDK is installed into `target/bench/venv` on first use;
//! without `python3`, `venv` or `pip` (or PyPI) the benchmark is skipped with a message.
//! `--quick`: one round instead of three.

// Counts become floats for reporting; they stay far below 2^52.
#![allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use benchmarks::{
    Entry, ListRun, SandboxProcess, median, print_table, quick, record, summary_path,
};

const USERS: usize = 100_000;
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/list_users.py");

fn main() {
    ListRun::serve_child();
    let rounds = if quick() { 1 } else { 3 };
    let venv = summary_path().with_file_name("venv");
    let python = match ensure_sdk(&venv) {
        Ok(python) => python,
        Err(reason) => {
            println!("skipped: the official SDK baseline needs it: {reason}");
            return;
        }
    };
    let server = SandboxProcess::start(env!("CARGO_BIN_EXE_lm-sandbox"), USERS);
    // Three sides: the SDK, our client one page at a time (the default) and reading ahead.
    let (mut sdk, mut plain, mut ahead) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut sides: [&mut dyn FnMut(); 3] = [
            &mut || sdk.push(sdk_run(&python, &server.endpoint)),
            &mut || plain.push(ListRun::measure(&server.endpoint, false)),
            &mut || ahead.push(ListRun::measure(&server.endpoint, true)),
        ];
        // Each round starts with another side.
        sides.rotate_left(round % 3);
        for side in sides {
            side();
        }
    }
    let expected = USERS as u64 + 1;
    assert!(
        sdk.iter()
            .chain(&plain)
            .chain(&ahead)
            .all(|run| run.items == expected)
    );

    let secs = |runs: &[ListRun]| median(&runs.iter().map(|r| r.secs).collect::<Vec<_>>());
    let cpu = |runs: &[ListRun]| median(&runs.iter().map(|r| r.cpu_secs).collect::<Vec<_>>());
    let mib = |runs: &[ListRun]| median(&runs.iter().map(ListRun::peak_mib).collect::<Vec<_>>());
    let sdk_side = || Some("logicmonitor-sdk (Python)".to_owned());
    let time_entry = |label: &str, runs: &[ListRun]| Entry {
        name: format!("LM list {USERS} users vs official SDK: time, {label}"),
        value: secs(runs),
        unit: "s".into(),
        baseline: sdk_side(),
        baseline_value: Some(secs(&sdk)),
        target: "ratio ≤ 0.05 (≥ 20× faster)".into(),
        met: Some(secs(runs) * 20.0 <= secs(&sdk)),
    };
    let memory_entry = |label: &str, runs: &[ListRun]| Entry {
        name: format!("LM list {USERS} users vs official SDK: peak RSS, {label}"),
        value: mib(runs),
        unit: "MiB".into(),
        baseline: sdk_side(),
        baseline_value: Some(mib(&sdk)),
        target: "ratio ≤ 0.20 (≥ 5× less)".into(),
        met: Some(mib(runs) * 5.0 <= mib(&sdk)),
    };
    let entries = [
        time_entry("one page at a time", &plain),
        time_entry("read_ahead(true)", &ahead),
        Entry {
            name: format!("LM list {USERS} users vs official SDK: client CPU"),
            value: cpu(&plain),
            unit: "s".into(),
            baseline: sdk_side(),
            baseline_value: Some(cpu(&sdk)),
            target: "informational (the client's own cost)".into(),
            met: None,
        },
        memory_entry("one page at a time", &plain),
        memory_entry("read_ahead(true)", &ahead),
    ];
    println!(
        "rounds: {rounds}; speed-up {:.1}× one page at a time, {:.1}× reading ahead",
        secs(&sdk) / secs(&plain),
        secs(&sdk) / secs(&ahead),
    );
    print_table(&entries);
    record(&entries);
}

/// The venv's Python with `logicmonitor_sdk` importable, creating the venv and installing
/// the SDK when needed; `Err` says which step is unavailable.
fn ensure_sdk(venv: &Path) -> Result<PathBuf, String> {
    let python = venv.join("bin").join("python");
    if succeeds(Command::new(&python).args(["-c", "import logicmonitor_sdk"])) {
        return Ok(python);
    }
    println!("installing logicmonitor-sdk into {}", venv.display());
    if !succeeds(Command::new("python3").arg("-m").arg("venv").arg(venv)) {
        return Err(format!(
            "`python3 -m venv {}` failed (is python3 with venv installed?)",
            venv.display()
        ));
    }
    let install = ["-m", "pip", "install", "--quiet", "logicmonitor-sdk"];
    if !succeeds(Command::new(&python).args(install)) {
        return Err("`pip install logicmonitor-sdk` failed (is PyPI reachable?)".into());
    }
    Ok(python)
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn sdk_run(python: &Path, endpoint: &benchmarks::Endpoint) -> ListRun {
    let output = Command::new(python)
        .arg(SCRIPT)
        .env("BENCH_LIST_ENDPOINT", endpoint.to_line())
        .output()
        .expect("run the SDK script");
    assert!(
        output.status.success(),
        "the SDK script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    ListRun::from_line(&String::from_utf8_lossy(&output.stdout)).expect("the SDK script's result")
}
