//! `tenet test`: run the Rego unit tests of the policy packs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, PolicyArgs};
use crate::policy::FileRole;
use crate::policy::testing::{TestStatus, run_tests_with_coverage};

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
    /// Fail when a rule file's line coverage is below this percentage.
    #[arg(long, value_name = "PERCENT", default_value_t = 0.0)]
    min_coverage: f64,
    /// Leave out the coverage table.
    #[arg(long)]
    no_coverage: bool,
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
    let (results, coverage) = run_tests_with_coverage(&set);
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
    // Coverage of rule files (libraries are shared and listed after them).
    let role = |file: &str| set.files.iter().find(|f| f.path == file).map(|f| f.role);
    let mut below = Vec::new();
    if !args.no_coverage {
        println!("\ncoverage  file (lines no test evaluated)");
    }
    let mut rule_files = coverage
        .iter()
        .filter(|c| role(&c.file) == Some(FileRole::Rule))
        .collect::<Vec<_>>();
    rule_files.extend(
        coverage
            .iter()
            .filter(|c| role(&c.file) == Some(FileRole::Library)),
    );
    for c in rule_files {
        let pct = c.percent();
        if role(&c.file) == Some(FileRole::Rule) && pct < args.min_coverage {
            below.push(c.file.clone());
        }
        if args.no_coverage || (args.quiet && pct >= args.min_coverage.max(100.0)) {
            continue;
        }
        let missed = if c.not_covered.is_empty() {
            String::new()
        } else {
            format!(" (lines {})", ranges(&c.not_covered))
        };
        println!("{pct:>7.1}%  {}{missed}", c.file);
    }
    let total: (usize, usize) = coverage.iter().fold((0, 0), |(a, b), c| {
        (
            a + c.covered.len(),
            b + c.covered.len() + c.not_covered.len(),
        )
    });
    if !args.no_coverage && total.1 > 0 {
        println!(
            "{:>7.1}%  overall ({} of {} lines)",
            total.0 as f64 * 100.0 / total.1 as f64,
            total.0,
            total.1
        );
    }
    println!("\n{} passed, {} failed", results.len() - failed, failed);
    if !below.is_empty() {
        eprintln!(
            "error: {} rule file(s) below {}% line coverage: {}",
            below.len(),
            args.min_coverage,
            below.join(", ")
        );
        return ExitCode::from(EXIT_FINDINGS);
    }
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

/// `1-3, 7, 9-10` for a sorted list of lines.
fn ranges(lines: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_ranges() {
        assert_eq!(super::ranges(&[1, 2, 3, 7, 9, 10]), "1-3, 7, 9-10");
        assert_eq!(super::ranges(&[]), "");
    }
}
