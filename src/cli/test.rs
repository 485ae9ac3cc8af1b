//! `tenet test`: run the Rego unit tests of the policy packs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, PolicyArgs};
use crate::policy::testing::{TestStatus, run_tests};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy directories whose tests to run besides the built-in ones.
    #[arg(value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Leave out the built-in packs.
    #[arg(long)]
    no_builtin: bool,
    /// Print only failures and the summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub fn run(args: TestArgs) -> ExitCode {
    let policy_args = PolicyArgs {
        policy_dirs: args.dirs,
        no_builtin: args.no_builtin,
    };
    let set = match policy_args.load() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let results = run_tests(&set);
    let mut failed = 0;
    for r in &results {
        let (label, detail) = match &r.status {
            TestStatus::Pass => ("PASS", String::new()),
            TestStatus::Fail => ("FAIL", String::new()),
            TestStatus::Error(m) => ("ERROR", format!(": {m}")),
        };
        if r.status != TestStatus::Pass {
            failed += 1;
        } else if args.quiet {
            continue;
        }
        println!("{label:<5} {}:{} {}{detail}", r.file, r.line, r.name);
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    if results.is_empty() {
        eprintln!("error: no tests found");
        return ExitCode::from(EXIT_ERROR);
    }
    if failed > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
