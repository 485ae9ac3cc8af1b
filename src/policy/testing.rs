//! Running the Rego unit tests of policy packs (`test_*` rules in `*_test.rego` files).
//!
//! regorus has no `opa test`, so tests are found in the source (rules whose name starts with
//! `test_`, at the start of a line) and each is evaluated on its own: it passes when it is
//! defined and `true`, fails when undefined or false, and errors when evaluation fails.

use std::collections::BTreeSet;

use rayon::prelude::*;
use serde::Serialize;

use super::{FileRole, PolicySet, rego_error_parts};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "status", content = "message")]
pub enum TestStatus {
    Pass,
    Fail,
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestResult {
    pub file: String,
    pub line: u32,
    pub package: String,
    pub name: String,
    #[serde(flatten)]
    pub status: TestStatus,
}

/// The `test_*` rules a test file declares, with their lines (a rule defined by several
/// bodies counts once, at its first line).
pub fn test_names(source: &str) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let Some(rest) = line.strip_prefix("test_") else {
            continue;
        };
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = format!("test_{}", &rest[..name_len]);
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, u32::try_from(i + 1).unwrap_or(u32::MAX)));
        }
    }
    out
}

/// Line coverage of one rule or library file by the tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCoverage {
    pub file: String,
    /// Lines of Rego evaluated by at least one test.
    pub covered: Vec<u32>,
    /// Lines of Rego no test evaluated.
    pub not_covered: Vec<u32>,
}

impl FileCoverage {
    /// Covered share of the lines, in percent (100 for a file without evaluable lines).
    pub fn percent(&self) -> f64 {
        let total = self.covered.len() + self.not_covered.len();
        if total == 0 {
            100.0
        } else {
            self.covered.len() as f64 * 100.0 / total as f64
        }
    }
}

/// Runs every test of the set, in file order; tests run in parallel.
pub fn run_tests(set: &PolicySet) -> Vec<TestResult> {
    run_tests_with_coverage(set).0
}

/// Runs every test and measures which lines of the rule and library files they evaluated.
pub fn run_tests_with_coverage(set: &PolicySet) -> (Vec<TestResult>, Vec<FileCoverage>) {
    // Rules and libraries together in one engine; add the tests. A test
    // file that does not parse is reported as one erroring result.
    let mut engine = set.combined_engine();
    let mut broken: Vec<TestResult> = Vec::new();
    if let Err(e) = engine.add_data(set.config_data()) {
        broken.push(TestResult {
            file: "(configuration)".into(),
            line: 1,
            package: String::new(),
            name: "(data.config)".into(),
            status: TestStatus::Error(e.to_string()),
        });
    }
    for f in set.files.iter().filter(|f| f.role == FileRole::Test) {
        if let Err(e) = engine.add_policy(f.path.clone(), f.source.clone()) {
            let parts = rego_error_parts(&e.to_string());
            broken.push(TestResult {
                file: f.path.clone(),
                line: parts.line.unwrap_or(1),
                package: f.package.clone(),
                name: "(file does not parse)".into(),
                status: TestStatus::Error(parts.reason),
            });
        }
    }
    let cases: Vec<(String, String, String, u32)> = set
        .files
        .iter()
        .filter(|f| f.role == FileRole::Test && !broken.iter().any(|b| b.file == f.path))
        .flat_map(|f| {
            test_names(&f.source)
                .into_iter()
                .map(move |(name, line)| (f.path.clone(), f.package.clone(), name, line))
        })
        .collect();
    if let Some((path, pkg, name, _)) = cases.first() {
        let _ = (path, engine.eval_rule(format!("data.{pkg}.{name}")));
    }
    engine.set_enable_coverage(true);
    engine.clear_coverage_data();
    // Each worker keeps its own engine (and its own coverage data); the reports are merged.
    let parts: Vec<(Vec<TestResult>, Option<regorus::coverage::Report>)> = cases
        .par_iter()
        .fold(
            || (engine.clone(), Vec::new()),
            |(mut engine, mut results), (file, package, name, line)| {
                let status = match engine.eval_rule(format!("data.{package}.{name}")) {
                    Ok(regorus::Value::Bool(true)) => TestStatus::Pass,
                    Ok(_) => TestStatus::Fail,
                    Err(e) => {
                        let parts = rego_error_parts(&e.to_string());
                        TestStatus::Error(match (parts.file, parts.line) {
                            (Some(f), Some(l)) => format!("{f}:{l}: {}", parts.reason),
                            _ => parts.reason,
                        })
                    }
                };
                results.push(TestResult {
                    file: file.clone(),
                    line: *line,
                    package: package.clone(),
                    name: name.clone(),
                    status,
                });
                (engine, results)
            },
        )
        .map(|(engine, results)| (results, engine.get_coverage_report().ok()))
        .collect();
    let mut results: Vec<TestResult> = Vec::new();
    let mut lines: std::collections::BTreeMap<String, (BTreeSet<u32>, BTreeSet<u32>)> =
        std::collections::BTreeMap::new();
    for (r, report) in parts {
        results.extend(r);
        for f in report.map(|r| r.files).unwrap_or_default() {
            let entry = lines.entry(f.path).or_default();
            entry.0.extend(f.covered);
            entry.1.extend(f.not_covered);
        }
    }
    // Keep the file order of the cases (fold splits them in order).
    let order: std::collections::HashMap<(&str, &str), usize> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| ((c.0.as_str(), c.2.as_str()), i))
        .collect();
    results.sort_by_key(|r| order.get(&(r.file.as_str(), r.name.as_str())).copied());
    results.extend(broken);
    let coverage = set
        .files
        .iter()
        .filter(|f| f.role != FileRole::Test)
        .map(|f| {
            let (covered, seen) = lines.remove(&f.path).unwrap_or_default();
            FileCoverage {
                file: f.path.clone(),
                not_covered: seen.difference(&covered).copied().collect(),
                covered: covered.into_iter().collect(),
            }
        })
        .collect();
    (results, coverage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules_once() {
        let src = "package x\ntest_a if { true }\ntest_a if { false }\n  test_indented if true\ntest_b_2 := true\nnot_test if true\n";
        assert_eq!(
            test_names(src),
            vec![("test_a".to_string(), 2), ("test_b_2".to_string(), 5)]
        );
    }
}
