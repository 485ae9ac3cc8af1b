//! Every rule fires on each of its `fail*` fixtures and stays silent on each `pass*` fixture,
//! in every source format it has fixtures for; the exact findings are a reviewed snapshot.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{root, scan_json};
use serde_json::Value;
use tenet::policy::PolicySet;

fn fixture_dirs(rule_id: &str) -> Vec<(String, String)> {
    let base = root().join("fixtures/rules").join(rule_id);
    let mut out = Vec::new();
    let Ok(formats) = std::fs::read_dir(&base) else {
        return out;
    };
    for format in formats.flatten() {
        let Ok(cases) = std::fs::read_dir(format.path()) else {
            continue;
        };
        for case in cases.flatten() {
            if case.path().is_dir() {
                let rel = case
                    .path()
                    .strip_prefix(root())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((case.file_name().to_string_lossy().into_owned(), rel));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_rule_fires_on_fail_fixtures_and_not_on_pass_fixtures() {
    let set = PolicySet::load(&[], true).expect("built-in packs");
    let mut problems = Vec::new();
    let mut snapshot: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for rule in &set.rules {
        let dirs = fixture_dirs(&rule.id);
        if !dirs.iter().any(|(n, _)| n.starts_with("fail"))
            || !dirs.iter().any(|(n, _)| n.starts_with("pass"))
        {
            problems.push(format!(
                "{}: needs fixtures/rules/{}/<format>/fail* and pass* directories",
                rule.id, rule.id
            ));
        }
        for (name, dir) in dirs {
            assert!(Path::new(&root().join(&dir)).is_dir());
            let (_, report) = scan_json(&[&dir, "--rule", &rule.id, "--fail-on", "none"]);
            assert_eq!(
                report["summary"]["load_errors"], 0,
                "{dir} must load cleanly: {:#}",
                report["load_errors"]
            );
            assert_eq!(
                report["summary"]["rule_errors"], 0,
                "{dir}: {:#}",
                report["rule_errors"]
            );
            let findings = report["findings"].as_array().cloned().unwrap_or_default();
            let undetermined = report["undetermined"].as_array().map_or(0, Vec::len);
            if name.starts_with("fail") {
                if findings.is_empty() {
                    problems.push(format!("{}: no finding on {dir}", rule.id));
                }
                snapshot.insert(dir.clone(), findings.iter().map(describe).collect());
            } else if name.starts_with("pass") && (!findings.is_empty() || undetermined > 0) {
                problems.push(format!(
                    "{}: {} finding(s), {undetermined} undetermined on {dir}: {:#?}",
                    rule.id,
                    findings.len(),
                    findings.iter().map(describe).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    insta::assert_yaml_snapshot!(snapshot);
}

fn describe(f: &Value) -> String {
    let loc = &f["location"];
    format!(
        "{} {}:{}:{} {} [{}]",
        f["rule_id"].as_str().unwrap_or(""),
        loc["file"].as_str().unwrap_or(""),
        loc["start_line"],
        loc["start_column"],
        f["resource"]["id"].as_str().unwrap_or(""),
        f["attribute"].as_str().unwrap_or("")
    )
}
