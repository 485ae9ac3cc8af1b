//! `tenet rules` (what is checked, filtered) and `tenet explain RULE` (one rule in full).
//! Both print the rules' METADATA, the one source that SARIF rule entries use too.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{EXIT_ERROR, PolicyArgs, stdout_result};
use crate::policy::{PolicySet, RuleMeta, Severity, examples};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    policies: PolicyArgs,
    /// Only rules mapped to this framework; text output groups them by control.
    #[arg(long, value_name = "ID")]
    framework: Option<String>,
    /// Only rules of this platform (`aws`, `azure`, `gcp`, `kubernetes`, ...).
    #[arg(long, value_name = "NAME")]
    platform: Option<String>,
    /// Only rules of this severity or a higher one.
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    severity: Option<Severity>,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: ListFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id.
    rule: String,
    #[command(flatten)]
    policies: PolicyArgs,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    format: ListFormat,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("unknown severity `{s}`"))
}

#[derive(Serialize)]
struct ControlRules<'a> {
    id: &'a str,
    title: &'a str,
    automated: bool,
    rules: Vec<&'a str>,
}

pub fn run_rules(args: RulesArgs) -> ExitCode {
    let set = match args.policies.load() {
        Ok(s) => s,
        Err(code) => return code,
    };
    if let Some(fw) = &args.framework
        && !set.catalogs.contains_key(fw)
    {
        let known: Vec<&str> = set.catalogs.keys().map(String::as_str).collect();
        eprintln!(
            "error: unknown framework `{fw}` (known: {})",
            known.join(", ")
        );
        return ExitCode::from(EXIT_ERROR);
    }
    let rules: Vec<&RuleMeta> = set
        .rules
        .iter()
        .filter(|r| {
            args.framework
                .as_ref()
                .is_none_or(|fw| r.controls.get(fw).is_some_and(|c| !c.is_empty()))
        })
        .filter(|r| args.platform.as_ref().is_none_or(|p| r.platform() == p))
        .filter(|r| args.severity.is_none_or(|s| r.severity >= s))
        .collect();
    let controls: Option<Vec<ControlRules>> = args.framework.as_ref().map(|fw| {
        set.catalogs[fw]
            .controls
            .iter()
            .map(|c| ControlRules {
                id: &c.id,
                title: &c.title,
                automated: c.automated,
                rules: rules
                    .iter()
                    .filter(|r| r.controls.get(fw).is_some_and(|ids| ids.contains(&c.id)))
                    .map(|r| r.id.as_str())
                    .collect(),
            })
            .collect()
    });
    match args.format {
        ListFormat::Json => {
            #[derive(Serialize)]
            struct Doc<'a> {
                rules: Vec<RuleEntry<'a>>,
                #[serde(skip_serializing_if = "Option::is_none")]
                controls: Option<Vec<ControlRules<'a>>>,
            }
            let doc = Doc {
                rules: rules.iter().map(|r| RuleEntry::of(r)).collect(),
                controls,
            };
            print_json(&doc)
        }
        ListFormat::Text => {
            use std::fmt::Write as _;
            let mut out = String::new();
            let by_id = |id: &str| rules.iter().find(|r| r.id == id).copied();
            if let (Some(fw), Some(controls)) = (&args.framework, &controls) {
                let catalog = &set.catalogs[fw];
                let _ = writeln!(out, "{} ({})", catalog.name, catalog.version);
                let mut automated = 0;
                for c in controls
                    .iter()
                    .filter(|c| c.automated || !c.rules.is_empty())
                {
                    automated += 1;
                    let _ = writeln!(out, "\n{}  {}", c.id, c.title);
                    if c.rules.is_empty() {
                        let _ = writeln!(out, "    (no rule matches the filters)");
                    }
                    for r in c.rules.iter().filter_map(|id| by_id(id)) {
                        let _ = writeln!(
                            out,
                            "    {:<8} {:<44} {}",
                            r.severity.as_str(),
                            r.id,
                            r.title
                        );
                    }
                }
                let manual = controls.len() - automated;
                let _ = writeln!(
                    out,
                    "\n{automated} automated control(s) checked by {} rule(s); {manual} control(s) need manual evidence (`tenet rules --framework {fw} --format json` lists them)",
                    rules.len()
                );
            } else {
                for r in &rules {
                    let _ = writeln!(
                        out,
                        "{:<8} {:<11} {:<44} {}",
                        r.severity.as_str(),
                        r.platform(),
                        r.id,
                        r.title
                    );
                }
                let _ = writeln!(out, "\n{} rule(s)", rules.len());
            }
            emit(&out)
        }
    }
}

/// A rule as `tenet rules --format json` lists it.
#[derive(Serialize)]
struct RuleEntry<'a> {
    #[serde(flatten)]
    meta: &'a RuleMeta,
    platform: &'a str,
}

impl<'a> RuleEntry<'a> {
    fn of(meta: &'a RuleMeta) -> Self {
        RuleEntry {
            meta,
            platform: meta.platform(),
        }
    }
}

fn print_json<T: Serialize>(doc: &T) -> ExitCode {
    match serde_json::to_string_pretty(doc) {
        Ok(s) => emit(&(s + "\n")),
        Err(e) => {
            eprintln!("error: cannot encode JSON: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

pub fn run_explain(args: ExplainArgs) -> ExitCode {
    let set = match args.policies.load() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(rule) = set.rules.iter().find(|r| r.id == args.rule) else {
        let near: Vec<&str> = set
            .rules
            .iter()
            .filter(|r| r.id.contains(&args.rule) || args.rule.contains(r.id.as_str()))
            .map(|r| r.id.as_str())
            .take(5)
            .collect();
        eprintln!(
            "error: unknown rule `{}`{}",
            args.rule,
            if near.is_empty() {
                " (`tenet rules` lists them)".to_string()
            } else {
                format!(" (did you mean {}?)", near.join(", "))
            }
        );
        return ExitCode::from(EXIT_ERROR);
    };
    let examples = if rule.builtin {
        examples(&rule.id)
    } else {
        Vec::new()
    };
    match args.format {
        ListFormat::Json => {
            #[derive(Serialize)]
            struct Example<'a> {
                file: &'a str,
                fires: bool,
                text: &'a str,
            }
            #[derive(Serialize)]
            struct Doc<'a> {
                #[serde(flatten)]
                rule: RuleEntry<'a>,
                help_text: String,
                examples: Vec<Example<'a>>,
            }
            print_json(&Doc {
                rule: RuleEntry::of(rule),
                help_text: rule.help_text(),
                examples: examples
                    .iter()
                    .map(|(file, text)| Example {
                        file,
                        fires: fires(file),
                        text,
                    })
                    .collect(),
            })
        }
        ListFormat::Text => emit(&explain_text(rule, &set, &examples)),
    }
}

/// Writes to standard output; a closed pipe (`tenet rules | head`) is not an error.
fn emit(text: &str) -> ExitCode {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout_result(
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush()),
    ) {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
        Ok(()) => ExitCode::SUCCESS,
    }
}

/// Whether a fixture path is one the rule must fire on (`.../<format>/fail*/...`).
fn fires(path: &str) -> bool {
    path.split('/')
        .nth(4)
        .is_some_and(|c| c.starts_with("fail"))
}

fn explain_text(rule: &RuleMeta, set: &PolicySet, examples: &[(&str, &str)]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "{}  ({}, {})", rule.id, rule.severity, rule.platform());
    let _ = writeln!(out, "{}\n", rule.title);
    let _ = writeln!(out, "Why\n  {}\n", wrap(&rule.description, 2));
    let _ = writeln!(
        out,
        "Resource types\n  {}\n",
        rule.resource_types.join(", ")
    );
    if let Some(c) = &rule.check {
        let _ = writeln!(out, "Check\n  {c} (docs/checks.md)\n");
    }
    let _ = writeln!(out, "Controls");
    for (fw, ids) in rule.controls.iter().filter(|(_, ids)| !ids.is_empty()) {
        let catalog = set.catalogs.get(fw);
        let _ = writeln!(
            out,
            "  {}",
            catalog.map_or(fw.as_str(), |c| c.name.as_str())
        );
        for id in ids {
            let title = catalog
                .and_then(|c| c.control(id))
                .map_or("", |c| c.title.as_str());
            let _ = writeln!(out, "    {id:<22} {title}");
        }
    }
    if !rule.params.is_empty() {
        let _ = writeln!(out, "\nParameters (set in .tenet.yaml under `params:`)");
        for (name, default) in &rule.params {
            let _ = writeln!(out, "  {name} = {default} (default)");
        }
    }
    let _ = writeln!(out, "\nRemediation\n  {}", wrap(&rule.remediation, 2));
    let _ = writeln!(out, "\nDefined in {}:{}", rule.file, rule.line);
    for (file, text) in examples {
        let verdict = if fires(file) { "fires on" } else { "passes" };
        let _ = writeln!(out, "\nExample: {verdict} {file}");
        for line in text.lines() {
            let _ = writeln!(out, "  | {line}");
        }
    }
    out
}

/// Re-wraps text at about 92 columns with `indent` spaces on continuation lines.
fn wrap(text: &str, indent: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let cur = lines.last_mut().expect("never empty");
        if !cur.is_empty() && cur.len() + 1 + word.len() > 92 - indent {
            lines.push(word.to_string());
        } else {
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
    }
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_paths_say_whether_the_rule_fires() {
        assert!(fires("fixtures/rules/x/terraform/fail/main.tf"));
        assert!(fires("fixtures/rules/x/arm/fail_absent/azuredeploy.json"));
        assert!(!fires("fixtures/rules/x/terraform/pass/main.tf"));
    }

    #[test]
    fn wraps_long_text() {
        let w = wrap(&"word ".repeat(40), 2);
        assert!(w.lines().all(|l| l.len() <= 92), "{w}");
        assert!(w.lines().nth(1).unwrap().starts_with("  word"));
    }
}
