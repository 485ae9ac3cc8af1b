//! The GitHub Action (`action.yml`), run step by step with a simulated runner on a fixture
//! repository with a git history (`fixtures/action`).
//!
//! The runner here does what GitHub's does for a composite action: inputs get their defaults,
//! `${{ }}` expressions are evaluated (contexts `inputs`, `steps`, `github`, `runner`; status
//! functions; `!`, `==`, `!=`, `&&`, `||` with GitHub's loose equality), `if:` has an implicit
//! `success() &&`, each `run` step is a script for `bash --noprofile --norc -eo pipefail` with a
//! fresh `$GITHUB_OUTPUT`, `continue-on-error` turns a failure into success, and the action's
//! outputs are evaluated at the end. `uses:` steps (the cache and the SARIF upload) cannot run
//! here: the test records them and answers as the scenario says (a cache miss; an upload that
//! succeeds, or fails as without `security-events: write`).

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

// --- The action's metadata ----------------------------------------------------------------------

fn action() -> Value {
    let text = std::fs::read_to_string(common::root().join("action.yml")).expect("action.yml");
    yaml_serde::from_str(&text).expect("action.yml is YAML")
}

/// Every `${{ ... }}` expression in a string.
fn expressions(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${{") {
        let after = &rest[i + 3..];
        let end = after.find("}}").expect("unterminated ${{");
        out.push(after[..end].trim().to_string());
        rest = &after[end + 2..];
    }
    out
}

/// All strings in a JSON value.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn action_metadata_follows_the_schema() {
    let a = action();
    let top = a.as_object().expect("mapping");
    for key in top.keys() {
        assert!(
            [
                "name",
                "author",
                "description",
                "inputs",
                "outputs",
                "runs",
                "branding"
            ]
            .contains(&key.as_str()),
            "unknown top-level key {key}"
        );
    }
    for key in ["name", "description", "runs"] {
        assert!(top.contains_key(key), "action.yml lacks `{key}`");
    }
    let inputs = a["inputs"].as_object().expect("inputs");
    for (name, input) in inputs {
        assert!(
            input["description"].is_string(),
            "input {name}: description"
        );
        for key in input.as_object().expect("input mapping").keys() {
            assert!(
                ["description", "required", "default", "deprecationMessage"]
                    .contains(&key.as_str()),
                "input {name}: unknown key {key}"
            );
        }
    }
    for required in [
        "path",
        "frameworks",
        "policy-dir",
        "config",
        "fail-on",
        "soft-fail",
        "sarif-file",
        "upload-sarif",
        "category",
        "version",
    ] {
        assert!(inputs.contains_key(required), "input {required} missing");
    }
    assert_eq!(a["inputs"]["upload-sarif"]["default"], "true");
    let outputs = a["outputs"].as_object().expect("outputs");
    for required in ["sarif-file", "findings", "failed"] {
        assert!(outputs.contains_key(required), "output {required} missing");
    }
    for (name, o) in outputs {
        assert!(o["description"].is_string(), "output {name}: description");
        assert!(
            o["value"].is_string(),
            "output {name}: a composite action's output needs a value"
        );
    }
    assert_eq!(a["runs"]["using"], "composite");
    let steps = a["runs"]["steps"].as_array().expect("steps");
    assert!(!steps.is_empty());
    let mut ids: Vec<String> = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let s = step.as_object().expect("step mapping");
        for key in s.keys() {
            assert!(
                [
                    "name",
                    "id",
                    "if",
                    "run",
                    "shell",
                    "uses",
                    "with",
                    "env",
                    "working-directory",
                    "continue-on-error"
                ]
                .contains(&key.as_str()),
                "step {i}: unknown key {key}"
            );
        }
        assert!(
            s.contains_key("run") ^ s.contains_key("uses"),
            "step {i}: exactly one of run and uses"
        );
        if s.contains_key("run") {
            assert!(
                s["shell"].is_string(),
                "step {i}: a composite run step needs `shell`"
            );
            // Inputs reach scripts through `env`, never pasted into the script text, where a
            // crafted value (a branch name, a path) could inject shell code.
            assert!(
                expressions(s["run"].as_str().expect("run is a string")).is_empty(),
                "step {i}: `${{{{ }}}}` inside `run`"
            );
        } else {
            let uses = s["uses"].as_str().expect("uses");
            assert!(
                uses.contains('@') || uses.starts_with("./"),
                "step {i}: {uses} is not pinned to a version"
            );
        }
        if let Some(id) = s.get("id").and_then(Value::as_str) {
            assert!(!ids.contains(&id.to_string()), "duplicate step id {id}");
            ids.push(id.to_string());
        }
    }
    // Every expression names a declared input and a step defined before its use.
    let mut seen: Vec<String> = Vec::new();
    let check = |expr: &str, seen: &[String], place: &str| {
        for word in expr.split(|c: char| !(c.is_alphanumeric() || "._-".contains(c))) {
            if let Some(name) = word.strip_prefix("inputs.") {
                assert!(inputs.contains_key(name), "{place}: unknown input {name}");
            }
            if let Some(rest) = word.strip_prefix("steps.") {
                let id = rest.split('.').next().unwrap_or("");
                assert!(
                    seen.iter().any(|s| s == id),
                    "{place}: step {id} is not defined before"
                );
            }
        }
    };
    for (i, step) in steps.iter().enumerate() {
        let mut texts = Vec::new();
        strings(step, &mut texts);
        for t in &texts {
            for e in expressions(t) {
                check(&e, &seen, &format!("step {i}"));
            }
        }
        if let Some(cond) = step["if"].as_str() {
            check(cond, &seen, &format!("step {i} if"));
        }
        if let Some(id) = step["id"].as_str() {
            seen.push(id.to_string());
        }
    }
    for (name, o) in outputs {
        for e in expressions(o["value"].as_str().unwrap_or("")) {
            check(&e, &seen, &format!("output {name}"));
        }
    }
    // The scripts the steps run exist.
    for step in steps {
        if let Some(run) = step["run"].as_str()
            && let Some(script) = run.split('"').find(|p| p.contains("deploy/github-action/"))
        {
            let rel = script.trim_start_matches("$GITHUB_ACTION_PATH/");
            assert!(common::root().join(rel).is_file(), "{rel} missing");
        }
    }
}

// --- Expressions --------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(String),
    Num(f64),
    Word(String),
    LParen,
    RParen,
    Not,
    And,
    Or,
    Eq,
    Ne,
}

fn lex(s: &str) -> Vec<Tok> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let two: String = c[i..(i + 2).min(c.len())].iter().collect();
        match c[i] {
            ' ' | '\t' | '\n' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1
            }
            '\'' => {
                let mut text = String::new();
                i += 1;
                loop {
                    assert!(i < c.len(), "unterminated string in {s}");
                    if c[i] == '\'' {
                        if c.get(i + 1) == Some(&'\'') {
                            text.push('\'');
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    text.push(c[i]);
                    i += 1;
                }
                out.push(Tok::Str(text));
            }
            _ if two == "&&" => {
                out.push(Tok::And);
                i += 2
            }
            _ if two == "||" => {
                out.push(Tok::Or);
                i += 2
            }
            _ if two == "==" => {
                out.push(Tok::Eq);
                i += 2
            }
            _ if two == "!=" => {
                out.push(Tok::Ne);
                i += 2
            }
            '!' => {
                out.push(Tok::Not);
                i += 1
            }
            ch if ch.is_ascii_digit() => {
                let start = i;
                while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                    i += 1;
                }
                let n: String = c[start..i].iter().collect();
                out.push(Tok::Num(n.parse().expect("number")));
            }
            ch if ch.is_alphanumeric() || ch == '_' => {
                let start = i;
                while i < c.len() && (c[i].is_alphanumeric() || "_.-".contains(c[i])) {
                    i += 1;
                }
                out.push(Tok::Word(c[start..i].iter().collect()));
            }
            other => panic!("unsupported character {other:?} in expression {s}"),
        }
    }
    out
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) if s.trim().is_empty() => 0.0,
        Value::String(s) => s.trim().parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

/// GitHub's `==`: strings ignore case; different types compare as numbers.
fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => number(a) == number(b),
    }
}

struct Eval<'a> {
    toks: Vec<Tok>,
    pos: usize,
    ctx: &'a Value,
    /// Whether a previous step failed (for `success()` and `failure()`).
    failed: bool,
}

impl Eval<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Tok {
        let t = self.toks.get(self.pos).cloned().expect("unexpected end");
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Value {
        let mut v = self.and();
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let r = self.and();
            if !truthy(&v) {
                v = r;
            }
        }
        v
    }

    fn and(&mut self) -> Value {
        let mut v = self.unary();
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            let r = self.unary();
            if truthy(&v) {
                v = r;
            }
        }
        v
    }

    /// A comparison of operands; `!` binds tighter than `==` (`!a == b` is `(!a) == b`).
    fn unary(&mut self) -> Value {
        let left = self.operand();
        match self.peek() {
            Some(Tok::Eq) => {
                self.pos += 1;
                let right = self.operand();
                Value::Bool(loose_eq(&left, &right))
            }
            Some(Tok::Ne) => {
                self.pos += 1;
                let right = self.operand();
                Value::Bool(!loose_eq(&left, &right))
            }
            _ => left,
        }
    }

    fn operand(&mut self) -> Value {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Value::Bool(!truthy(&self.operand()));
        }
        self.primary()
    }

    fn primary(&mut self) -> Value {
        match self.next() {
            Tok::LParen => {
                let v = self.or();
                assert_eq!(self.next(), Tok::RParen, "missing )");
                v
            }
            Tok::Str(s) => Value::String(s),
            Tok::Num(n) => json!(n),
            Tok::Word(w) if self.peek() == Some(&Tok::LParen) => {
                self.pos += 1;
                assert_eq!(self.next(), Tok::RParen, "functions here take no arguments");
                match w.as_str() {
                    "always" => Value::Bool(true),
                    "success" => Value::Bool(!self.failed),
                    "failure" => Value::Bool(self.failed),
                    "cancelled" => Value::Bool(false),
                    other => panic!("function {other}() is not supported by the simulated runner"),
                }
            }
            Tok::Word(w) => match w.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                path => {
                    let mut parts = path.split('.');
                    let head = parts.next().unwrap_or("");
                    assert!(
                        ["inputs", "steps", "github", "runner", "env"].contains(&head),
                        "unknown context {head} in {path}"
                    );
                    let mut v = &self.ctx[head];
                    for p in parts {
                        v = &v[p];
                    }
                    v.clone()
                }
            },
            t => panic!("unexpected {t:?}"),
        }
    }
}

fn evaluate(expr: &str, ctx: &Value, failed: bool) -> Value {
    let mut e = Eval {
        toks: lex(expr),
        pos: 0,
        ctx,
        failed,
    };
    let v = e.or();
    assert_eq!(e.pos, e.toks.len(), "trailing tokens in {expr}");
    v
}

fn to_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A string with its `${{ }}` expressions replaced by their values.
fn interpolate(s: &str, ctx: &Value, failed: bool) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${{") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 3..];
        let end = after.find("}}").expect("unterminated ${{");
        out.push_str(&to_text(&evaluate(&after[..end], ctx, failed)));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Whether a step runs: its `if` (an expression, with or without `${{ }}`), with the implicit
/// `success() &&` unless it calls a status function.
fn runs(cond: Option<&str>, ctx: &Value, failed: bool) -> bool {
    let Some(c) = cond else {
        return !failed;
    };
    let c = c.trim();
    let c = c
        .strip_prefix("${{")
        .and_then(|x| x.strip_suffix("}}"))
        .unwrap_or(c);
    let status = ["always(", "success(", "failure(", "cancelled("]
        .iter()
        .any(|f| c.contains(f));
    let v = truthy(&evaluate(c, ctx, failed));
    if status { v } else { v && !failed }
}

#[test]
fn expressions_follow_github_semantics() {
    let ctx = json!({"inputs": {"a": "true", "b": ""}, "steps": {"s": {"outputs": {"x": "1"}}}});
    assert!(truthy(&evaluate("inputs.a == 'TRUE'", &ctx, false)));
    assert!(truthy(&evaluate(
        "steps.none.outputs.bin == ''",
        &ctx,
        false
    )));
    assert_eq!(
        evaluate("inputs.b || steps.s.outputs.x", &ctx, false),
        json!("1")
    );
    assert!(!truthy(&evaluate("!(inputs.a && true)", &ctx, false)));
    assert!(
        truthy(&evaluate("!inputs.b == true", &ctx, false)),
        "(!b) == true"
    );
    assert!(truthy(&evaluate("!cancelled() && inputs.a", &ctx, false)));
    assert!(runs(Some("always() && inputs.a == 'true'"), &ctx, true));
    assert!(!runs(Some("inputs.a == 'true'"), &ctx, true));
    assert_eq!(
        interpolate("k-${{ inputs.a }}-${{ inputs.b }}", &ctx, false),
        "k-true-"
    );
}

// --- The simulated runner -------------------------------------------------------------------------

/// What the scenario answers for a `uses:` step.
#[derive(Clone, Copy, PartialEq)]
enum Upload {
    Permitted,
    /// The token lacks `security-events: write`: the upload action fails.
    Denied,
}

struct StepRun {
    name: String,
    ran: bool,
    /// The step's own result before `continue-on-error`.
    ok: bool,
    stdout: String,
    stderr: String,
    /// For `uses:` steps: the action and its evaluated `with`.
    uses: Option<(String, BTreeMap<String, String>)>,
}

struct Outcome {
    steps: Vec<StepRun>,
    /// The action's result: false when a step failed (after `continue-on-error`).
    success: bool,
    outputs: BTreeMap<String, String>,
    summary: String,
}

impl Outcome {
    fn step(&self, name: &str) -> &StepRun {
        self.steps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step {name}"))
    }

    /// Every line of every step's log.
    fn log(&self) -> String {
        self.steps
            .iter()
            .map(|s| format!("{}{}", s.stdout, s.stderr))
            .collect()
    }

    fn output(&self, name: &str) -> &str {
        self.outputs.get(name).map_or("", String::as_str)
    }
}

struct Runner {
    workspace: PathBuf,
    temp: tempfile::TempDir,
    github: Value,
    upload: Upload,
    extra_env: Vec<(String, String)>,
}

fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        // As the runner: `name=value` when `=` comes before any `<<`, else a heredoc.
        let heredoc = match (line.find('='), line.find("<<")) {
            (Some(eq), Some(hd)) => hd < eq,
            (None, Some(_)) => true,
            _ => false,
        };
        if heredoc && let Some((name, delim)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delim {
                    break;
                }
                value.push(l);
            }
            out.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}

impl Runner {
    fn new(workspace: &Path, github: Value, upload: Upload) -> Runner {
        Runner {
            workspace: workspace.to_path_buf(),
            temp: tempfile::tempdir().expect("tempdir"),
            github,
            upload,
            extra_env: Vec::new(),
        }
    }

    fn run(&self, with: &[(&str, &str)]) -> Outcome {
        let a = action();
        let mut inputs = serde_json::Map::new();
        for (name, def) in a["inputs"].as_object().expect("inputs") {
            inputs.insert(name.clone(), json!(to_text(&def["default"])));
        }
        for (k, v) in with {
            assert!(inputs.contains_key(*k), "the action has no input {k}");
            inputs.insert((*k).to_string(), json!(v));
        }
        let runner_temp = self.temp.path().join("runner-temp");
        let tool_cache = self.temp.path().join("tool-cache");
        std::fs::create_dir_all(&runner_temp).expect("runner temp");
        let summary = self.temp.path().join("step-summary.md");
        std::fs::write(&summary, "").expect("summary file");
        let mut ctx = json!({
            "inputs": inputs,
            "steps": {},
            "github": self.github,
            "runner": {"os": "Linux", "arch": "X64", "temp": runner_temp, "tool_cache": tool_cache},
            "env": {},
        });
        let base_env: Vec<(String, String)> = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("HOME".into(), std::env::var("HOME").unwrap_or_default()),
            ("CI".into(), "true".into()),
            ("GITHUB_ACTIONS".into(), "true".into()),
            (
                "GITHUB_WORKSPACE".into(),
                self.workspace.display().to_string(),
            ),
            (
                "GITHUB_ACTION_PATH".into(),
                common::root().display().to_string(),
            ),
            ("GITHUB_STEP_SUMMARY".into(), summary.display().to_string()),
            (
                "GITHUB_REPOSITORY".into(),
                to_text(&self.github["repository"]),
            ),
            ("GITHUB_SHA".into(), to_text(&self.github["sha"])),
            (
                "GITHUB_SERVER_URL".into(),
                to_text(&self.github["server_url"]),
            ),
            (
                "GITHUB_EVENT_NAME".into(),
                to_text(&self.github["event_name"]),
            ),
            ("RUNNER_OS".into(), "Linux".into()),
            ("RUNNER_ARCH".into(), "X64".into()),
            ("RUNNER_TEMP".into(), runner_temp.display().to_string()),
            ("RUNNER_TOOL_CACHE".into(), tool_cache.display().to_string()),
            ("NO_COLOR".into(), "1".into()),
        ];
        let mut failed = false;
        let mut runs_out = Vec::new();
        for (i, step) in a["runs"]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .enumerate()
        {
            let name = step["name"].as_str().unwrap_or("").to_string();
            if !runs(step["if"].as_str(), &ctx, failed) {
                runs_out.push(StepRun {
                    name,
                    ran: false,
                    ok: true,
                    stdout: String::new(),
                    stderr: String::new(),
                    uses: None,
                });
                continue;
            }
            let mut outputs = BTreeMap::new();
            let result = if let Some(uses) = step["uses"].as_str() {
                let with: BTreeMap<String, String> = step["with"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), interpolate(&to_text(v), &ctx, failed)))
                    .collect();
                let ok = if uses.starts_with("github/codeql-action/upload-sarif@") {
                    self.upload == Upload::Permitted
                } else {
                    assert!(
                        uses.starts_with("actions/cache/restore@")
                            || uses.starts_with("actions/cache/save@"),
                        "unexpected action {uses}"
                    );
                    true // a cache miss, then a save
                };
                StepRun {
                    name: name.clone(),
                    ran: true,
                    ok,
                    stdout: String::new(),
                    stderr: if ok {
                        String::new()
                    } else {
                        "Resource not accessible by integration\n".into()
                    },
                    uses: Some((uses.to_string(), with)),
                }
            } else {
                let script = self.temp.path().join(format!("step-{i}.sh"));
                std::fs::write(
                    &script,
                    interpolate(step["run"].as_str().expect("run"), &ctx, failed),
                )
                .expect("script");
                let output_file = self.temp.path().join(format!("output-{i}"));
                std::fs::write(&output_file, "").expect("output file");
                let mut cmd = Command::new("bash");
                cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                    .arg(&script)
                    .current_dir(&self.workspace)
                    .env_clear()
                    .envs(base_env.iter().map(|(k, v)| (k, v)))
                    .envs(self.extra_env.iter().map(|(k, v)| (k, v)))
                    .env("GITHUB_OUTPUT", &output_file);
                for (k, v) in step["env"].as_object().into_iter().flatten() {
                    cmd.env(k, interpolate(&to_text(v), &ctx, failed));
                }
                let out = cmd.output().expect("run bash");
                outputs = parse_outputs(&std::fs::read_to_string(&output_file).unwrap_or_default());
                StepRun {
                    name: name.clone(),
                    ran: true,
                    ok: out.status.success(),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                    uses: None,
                }
            };
            let continue_on_error = step["continue-on-error"] == json!(true);
            if !result.ok && !continue_on_error {
                failed = true;
            }
            if let Some(id) = step["id"].as_str() {
                ctx["steps"][id] = json!({
                    "outputs": outputs,
                    "outcome": if result.ok { "success" } else { "failure" },
                });
            }
            runs_out.push(result);
        }
        let outputs = a["outputs"]
            .as_object()
            .expect("outputs")
            .iter()
            .map(|(k, o)| {
                (
                    k.clone(),
                    interpolate(o["value"].as_str().unwrap_or(""), &ctx, failed),
                )
            })
            .collect();
        Outcome {
            steps: runs_out,
            success: !failed,
            outputs,
            summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        }
    }
}

// --- The fixture repository -------------------------------------------------------------------------

/// A repository whose `main` has `fixtures/action/base` and whose checked-out branch adds
/// `fixtures/action/<change>` on top; returns it with the base and head commits.
fn repository(change: &str) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    let fixtures = common::root().join("fixtures/action");
    common::git(repo, &["init", "--quiet", "--initial-branch=main"]);
    common::copy_tree(&fixtures.join("base"), repo);
    common::git(repo, &["add", "--all"]);
    common::git(repo, &["commit", "--quiet", "--message", "base"]);
    let base = common::git(repo, &["rev-parse", "HEAD"]);
    common::git(repo, &["checkout", "--quiet", "-b", "change"]);
    common::copy_tree(&fixtures.join(change), repo);
    common::git(repo, &["add", "--all"]);
    common::git(repo, &["commit", "--quiet", "--message", change]);
    let head = common::git(repo, &["rev-parse", "HEAD"]);
    (dir, base, head)
}

/// A pull request of `change` from `head_repo` into acme/shop, with its runner.
fn pr(
    change: &str,
    head_repo: &str,
    upload: Upload,
) -> (tempfile::TempDir, String, String, Runner) {
    let (dir, base, head) = repository(change);
    let runner = Runner::new(dir.path(), pull_request(&base, &head, head_repo), upload);
    (dir, base, head, runner)
}

fn pull_request(base: &str, head: &str, head_repo: &str) -> Value {
    json!({
        "event_name": "pull_request",
        "repository": "acme/shop",
        "sha": head,
        "server_url": "https://github.com",
        "actor": "alice",
        "action_repository": "",
        "event": {"pull_request": {
            "base": {"sha": base},
            "head": {"sha": head, "repo": {"full_name": head_repo}},
        }},
    })
}

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("tenet").display().to_string()
}

/// `::level file=F,line=L,...::message` lines of a log: (level, file, line, title).
fn annotations(log: &str) -> Vec<(String, String, u32, String)> {
    log.lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("::")?;
            let (head, _message) = rest.split_once("::")?;
            let (level, props) = head.split_once(' ').unwrap_or((head, ""));
            let mut file = String::new();
            let mut line = 0;
            let mut title = String::new();
            for p in props.split(',') {
                match p.split_once('=') {
                    Some(("file", v)) => file = v.to_string(),
                    Some(("line", v)) => line = v.parse().unwrap_or(0),
                    Some(("title", v)) => title = v.replace("%3A", ":").replace("%2C", ","),
                    _ => {}
                }
            }
            Some((level.to_string(), file, line, title))
        })
        .collect()
}

/// The JSON report of the same scan, for the expected figures.
fn report(repo: &Path, diff_base: Option<&str>) -> Value {
    let mut args = vec!["scan", "--format", "json", "."];
    if let Some(b) = diff_base {
        args.extend_from_slice(&["--diff-base", b]);
    }
    let r = common::run_in(repo, &args);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stderr))
}

fn new_resources(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["diff"] == "new")
        .map(|f| f["resource"]["id"].as_str().unwrap_or("").to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

// --- Scenarios ----------------------------------------------------------------------------------

#[test]
fn pull_request_annotates_the_changed_lines_summarises_uploads_and_fails() {
    let (dir, base, head) = repository("change");
    let repo = dir.path();
    let runner = Runner::new(
        repo,
        pull_request(&base, &head, "acme/shop"),
        Upload::Permitted,
    );
    let out = runner.run(&[("binary", &binary()), ("frameworks", "soc2, pci-dss-4.0")]);

    // The verdict fails the job, after everything else ran.
    assert!(!out.success, "failing findings fail the action");
    assert!(!out.step("Verdict").ok && out.step("Verdict").ran);
    assert!(out.step("Scan").ok, "{}", out.step("Scan").stderr);
    assert!(
        !out.step("Install tenet").ran,
        "binary given: nothing installed"
    );

    // Exactly the findings on the two resources the change touched are new.
    let expected = report(repo, Some(&base));
    assert_eq!(
        new_resources(&expected),
        [
            "terraform:infra/aws_db_instance.orders",
            "terraform:infra/aws_security_group.admin"
        ]
    );
    assert_eq!(out.output("failed"), "true");
    assert_eq!(out.output("exit-code"), "1");
    assert_eq!(
        out.output("findings"),
        expected["summary"]["findings"].to_string()
    );
    assert_eq!(
        out.output("failing"),
        expected["summary"]["failing"].to_string()
    );
    assert_eq!(
        out.output("pre-existing"),
        expected["summary"]["pre_existing"].to_string()
    );
    let pre: u64 = out.output("pre-existing").parse().expect("number");
    assert!(
        pre >= 5,
        "the bucket and the Deployment keep their findings"
    );

    // Annotations sit on the changed blocks only; one notice counts the pre-existing findings.
    let scan_log = &out.step("Scan").stdout;
    let notes = annotations(scan_log);
    let on_files: Vec<_> = notes
        .iter()
        .filter(|(_, file, ..)| !file.is_empty())
        .collect();
    assert!(!on_files.is_empty(), "{scan_log}");
    for (_, file, line, title) in &on_files {
        assert_eq!(file, "infra/main.tf", "{title}");
        assert!(
            (7..=16).contains(line) || (18..=28).contains(line),
            "{title} at line {line} is outside the changed blocks"
        );
    }
    assert!(on_files.iter().any(|(l, _, line, t)| l == "error"
        && *line == 12
        && t.starts_with("aws-rds-storage-encrypted")));
    assert!(
        on_files
            .iter()
            .any(|(l, _, _, t)| l == "error" && t.starts_with("aws-ec2-sg-admin-ports-public"))
    );
    assert_eq!(
        on_files.len(),
        out.output("failing").parse::<usize>().expect("number")
    );
    assert!(
        scan_log.contains(&format!(
            "::notice title=tenet%3A pre-existing findings::{pre} finding(s) on resources unchanged since {base}"
        )),
        "{scan_log}"
    );

    // The summary: the headline, compliance per framework, linked new findings, the rest folded.
    let s = &out.summary;
    assert!(
        s.starts_with(&format!(
            "## ❌ tenet: {} new findings fail the run",
            out.output("failing")
        )),
        "{s}"
    );
    assert!(s.contains("### Compliance"), "{s}");
    assert!(s.contains("| SOC 2"), "{s}");
    assert!(s.contains("| PCI DSS"), "{s}");
    assert!(!s.contains("| HIPAA"), "only the selected frameworks: {s}");
    assert!(s.contains("### New findings"), "{s}");
    assert!(
        s.contains(&format!(
            "(https://github.com/acme/shop/blob/{head}/infra/main.tf#L12)"
        )),
        "{s}"
    );
    assert!(
        s.contains(&format!(
            "{pre} pre-existing findings on resources unchanged"
        )),
        "{s}"
    );

    // SARIF: valid for GitHub, every result new or unchanged, handed to the upload.
    let sarif_path = repo.join(out.output("sarif-file"));
    assert_eq!(out.output("sarif-file"), "tenet.sarif");
    common::validate_sarif(&sarif_path);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("sarif")).expect("json");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let new = results
        .iter()
        .filter(|r| r["baselineState"] == "new")
        .count();
    let unchanged = results
        .iter()
        .filter(|r| r["baselineState"] == "unchanged")
        .count();
    assert_eq!(new + unchanged, results.len());
    assert_eq!(unchanged as u64, pre);
    let upload = out.step("Upload SARIF to code scanning");
    assert!(upload.ran && upload.ok);
    let (_, with) = upload.uses.as_ref().expect("uses");
    assert_eq!(with["sarif_file"], "tenet.sarif");
    assert_eq!(with["category"], "tenet");
}

#[test]
fn a_fork_gets_annotations_and_a_summary_without_upload() {
    let (_dir, _base, _head, runner) = pr("change", "mallory/shop", Upload::Denied);
    let out = runner.run(&[("binary", &binary())]);
    assert!(!out.step("Upload SARIF to code scanning").ran);
    assert!(
        out.step("Scan")
            .stdout
            .contains("pull request from a fork: its token is read-only"),
        "{}",
        out.step("Scan").stdout
    );
    assert!(out.summary.starts_with("## ❌ tenet:"), "{}", out.summary);
    assert!(
        annotations(&out.step("Scan").stdout)
            .iter()
            .any(|(l, ..)| l == "error")
    );
    assert!(!out.success);
    assert_eq!(out.output("failed"), "true");
}

#[test]
fn an_upload_refused_for_lack_of_permission_does_not_decide_the_result() {
    let (_dir, _base, _head, runner) = pr("change", "acme/shop", Upload::Denied);
    // The upload fails; the job fails for the findings (the verdict), not for the upload.
    let out = runner.run(&[("binary", &binary())]);
    let upload = out.step("Upload SARIF to code scanning");
    assert!(upload.ran && !upload.ok);
    assert!(!out.step("Verdict").ok);
    assert!(!out.success);

    // With soft-fail the same run succeeds although the upload was refused.
    let out = runner.run(&[("binary", &binary()), ("soft-fail", "true")]);
    assert!(!out.step("Upload SARIF to code scanning").ok);
    assert!(out.success, "{}", out.log());
    assert_eq!(out.output("failed"), "false");
    assert_eq!(out.output("failing"), "0");
    assert!(out.output("findings").parse::<u32>().expect("number") > 0);
    assert!(
        out.summary
            .starts_with("## ✅ tenet: no finding fails the run"),
        "{}",
        out.summary
    );
}

#[test]
fn a_pull_request_touching_no_resource_passes_with_pre_existing_findings() {
    let (_dir, _base, _head, runner) = pr("docs-only", "acme/shop", Upload::Permitted);
    let out = runner.run(&[("binary", &binary())]);
    assert!(out.success, "{}", out.log());
    assert_eq!(out.output("failed"), "false");
    assert_eq!(out.output("exit-code"), "0");
    assert_eq!(out.output("failing"), "0");
    assert_eq!(out.output("findings"), out.output("pre-existing"));
    // Nothing annotated on the files; one notice says why.
    let notes = annotations(&out.step("Scan").stdout);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].0, "notice");
    assert_eq!(notes[0].3, "tenet: pre-existing findings");
    assert!(
        out.summary
            .starts_with("## ✅ tenet: no finding fails the run")
            && out.summary.contains("all pre-existing"),
        "{}",
        out.summary
    );
}

#[test]
fn a_push_judges_every_finding() {
    let (dir, _base, head) = repository("change");
    let github = json!({
        "event_name": "push",
        "repository": "acme/shop",
        "sha": head,
        "server_url": "https://github.com",
        "actor": "alice",
        "event": {},
    });
    let runner = Runner::new(dir.path(), github, Upload::Permitted);
    let out = runner.run(&[("binary", &binary()), ("fail-on", "high")]);
    let expected = report(dir.path(), None);
    assert_eq!(out.output("pre-existing"), "", "no diff base on a push");
    assert_eq!(
        out.output("findings"),
        expected["summary"]["findings"].to_string()
    );
    // Every high or critical finding fails, the bucket's and the Deployment's too.
    let high = expected["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "high" || f["severity"] == "critical")
        .count();
    assert_eq!(out.output("failing"), high.to_string());
    assert!(!out.success);
}

/// GitHub's pull-request checkout: `origin` has `main` (the base, which moved after the pull
/// request was opened: its Deployment changed) and the merge of the `change` branch into it;
/// the workspace is a one-commit-deep clone of that merge. Returns the clone, the stale
/// `base.sha` of the event (the first base commit) and the merge commit.
fn merge_checkout() -> (tempfile::TempDir, tempfile::TempDir, String, String) {
    let (origin, stale_base, _) = repository("change");
    let o = origin.path();
    common::git(o, &["checkout", "--quiet", "main"]);
    let web = o.join("k8s/web.yaml");
    let text = std::fs::read_to_string(&web).expect("web.yaml");
    std::fs::write(&web, text.replace("replicas: 2", "replicas: 3")).expect("write");
    common::git(o, &["commit", "--quiet", "--all", "--message", "scale web"]);
    common::git(o, &["checkout", "--quiet", "-b", "pull-merge"]);
    common::git(o, &["merge", "--quiet", "--no-edit", "change"]);
    let merge = common::git(o, &["rev-parse", "HEAD"]);
    let clone = tempfile::tempdir().expect("tempdir");
    common::git(
        clone.path(),
        &[
            "clone",
            "--quiet",
            "--depth=1",
            "--branch",
            "pull-merge",
            &format!("file://{}", o.display()),
            ".",
        ],
    );
    (origin, clone, stale_base, merge)
}

#[test]
fn a_shallow_merge_checkout_is_compared_with_the_base_it_merged_into() {
    let (_origin, clone, stale_base, merge) = merge_checkout();
    let repo = clone.path();
    let runner = Runner::new(
        repo,
        pull_request(&stale_base, &merge, "acme/shop"),
        Upload::Permitted,
    );
    let out = runner.run(&[("binary", &binary())]);
    let scan = out.step("Scan");
    assert!(scan.ok, "{}", scan.stderr);
    // The merge's first parent was fetched and used, not the stale base.sha: the
    // Deployment the base branch changed meanwhile keeps its findings pre-existing.
    let parent = common::git(repo, &["rev-parse", "HEAD^1"]);
    assert!(
        scan.stderr.contains(&format!("--diff-base {parent}")),
        "{}",
        scan.stderr
    );
    let expected = report(repo, Some(&parent));
    assert_eq!(
        new_resources(&expected),
        [
            "terraform:infra/aws_db_instance.orders",
            "terraform:infra/aws_security_group.admin"
        ]
    );
    assert_eq!(
        out.output("failing"),
        expected["summary"]["failing"].to_string()
    );
    assert_eq!(
        out.output("pre-existing"),
        expected["summary"]["pre_existing"].to_string()
    );

    // A branch name as diff-base: fetched into FETCH_HEAD and compared with that commit.
    let (_origin, clone, _, _) = merge_checkout();
    let runner = Runner::new(
        clone.path(),
        pull_request(&stale_base, &merge, "acme/shop"),
        Upload::Permitted,
    );
    let out = runner.run(&[("binary", &binary()), ("diff-base", "main")]);
    let scan = out.step("Scan");
    assert!(
        !scan.stdout.contains("cannot find or fetch"),
        "{}",
        scan.stdout
    );
    assert!(
        scan.stderr.contains(&format!("--diff-base {parent}")),
        "{}",
        scan.stderr
    );
    assert_eq!(
        out.output("pre-existing"),
        expected["summary"]["pre_existing"].to_string()
    );
}

// --- Installation -------------------------------------------------------------------------------

/// Serves `files` (URL path → body) over HTTP on 127.0.0.1 until the test ends; 404 otherwise.
fn serve(files: BTreeMap<String, Vec<u8>>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let (status, body) = match files.get(path) {
                Some(b) => ("200 OK", b.clone()),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}")
}

/// A release archive holding the test build of tenet, as the release workflow publishes it.
fn release_archive() -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(binary(), dir.path().join("tenet")).expect("copy binary");
    let archive = dir.path().join("a.tar.gz");
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(dir.path())
        .arg("tenet")
        .status()
        .expect("tar");
    assert!(status.success());
    let mut bytes = Vec::new();
    std::fs::File::open(&archive)
        .expect("archive")
        .read_to_end(&mut bytes)
        .expect("read");
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn installs_the_release_for_the_runner_checked_against_its_sha256() {
    let (dir, base, head) = repository("change");
    let archive = release_archive();
    let name = "/v0.1.0/tenet-0.1.0-x86_64-unknown-linux-musl.tar.gz";
    let good = serve(BTreeMap::from([
        (name.to_string(), archive.clone()),
        (
            format!("{name}.sha256"),
            format!(
                "{}  tenet-0.1.0-x86_64-unknown-linux-musl.tar.gz\n",
                sha256_hex(&archive)
            )
            .into_bytes(),
        ),
    ]));
    let mut runner = Runner::new(
        dir.path(),
        pull_request(&base, &head, "acme/shop"),
        Upload::Permitted,
    );
    runner.extra_env = vec![("TENET_DOWNLOAD_URL".into(), good.clone())];
    let out = runner.run(&[("version", "v0.1.0")]);
    let install = out.step("Install tenet");
    assert!(
        install.ran && install.ok,
        "{}{}",
        install.stdout,
        install.stderr
    );
    assert!(
        install.stdout.contains(&format!(
            "tenet 0.1.0 (x86_64-unknown-linux-musl) installed from {good} (sha256 {})",
            sha256_hex(&archive)
        )),
        "{}",
        install.stdout
    );
    let save = out.step("Cache tenet");
    assert!(save.ran, "a fresh install is cached at once");
    let cache = out.step("Restore cached tenet");
    let (_, with) = cache.uses.as_ref().expect("cache step");
    assert_eq!(with["key"], "tenet-0.1.0-x86_64-unknown-linux-musl");
    assert!(with["path"].ends_with("tool-cache/tenet/0.1.0/x86_64-unknown-linux-musl"));
    assert!(out.step("Scan").ok);
    assert_eq!(out.output("failed"), "true", "the installed tenet scanned");

    // A tampered archive is refused, and nothing scans with it.
    let mut tampered = archive.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let bad = serve(BTreeMap::from([
        (name.to_string(), tampered),
        (
            format!("{name}.sha256"),
            format!("{}  x\n", sha256_hex(&archive)).into_bytes(),
        ),
    ]));
    runner.extra_env = vec![("TENET_DOWNLOAD_URL".into(), bad)];
    let runner = Runner {
        temp: tempfile::tempdir().expect("tempdir"),
        ..runner
    };
    let out = runner.run(&[("version", "0.1.0")]);
    let install = out.step("Install tenet");
    assert!(!install.ok);
    assert!(
        install
            .stdout
            .contains("does not match its published SHA-256"),
        "{}",
        install.stdout
    );
    assert!(!out.step("Scan").ran);
    assert!(out.step("Verdict").ran && !out.step("Verdict").ok);
    assert!(out.step("Verdict").stdout.contains("the scan did not run"));
    assert!(!out.success);
}

#[test]
fn an_unsupported_runner_or_bad_version_is_a_clear_error() {
    let (_dir, _base, _head, runner) = pr("docs-only", "acme/shop", Upload::Permitted);
    let out = runner.run(&[("version", "1.0; rm -rf /")]);
    let setup = out.step("Locate tenet");
    assert!(!setup.ok);
    assert!(
        setup.stdout.contains("is not a tenet version"),
        "{}",
        setup.stdout
    );
    assert!(!out.success);

    let mut runner = runner;
    runner.extra_env = vec![("RUNNER_ARCH".into(), "ARM".into())];
    let out = runner.run(&[("version", "0.1.0")]);
    let setup = out.step("Locate tenet");
    assert!(!setup.ok);
    assert!(
        setup
            .stdout
            .contains("no tenet release for Linux/ARM; install tenet and set binary: to it"),
        "{}",
        setup.stdout
    );
    assert!(!out.step("Scan").ran);
}

#[test]
fn this_repository_uses_its_own_action() {
    let dir = common::root().join(".github/workflows");
    let mut uses_self = false;
    for entry in std::fs::read_dir(&dir).expect("workflows") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let wf: Value = yaml_serde::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()));
        assert!(wf["jobs"].is_object(), "{}: no jobs", path.display());
        for (name, job) in wf["jobs"].as_object().expect("jobs") {
            for step in job["steps"].as_array().expect("steps") {
                if step["uses"] == "./" {
                    uses_self = true;
                    // Every `with` key is an input of the action.
                    for key in step["with"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k)
                    {
                        assert!(
                            action()["inputs"].get(key).is_some(),
                            "{}: job {name} passes unknown input {key}",
                            path.display()
                        );
                    }
                }
            }
        }
    }
    assert!(uses_self, "no workflow runs `uses: ./`");
}

#[test]
fn the_step_scripts_pass_shellcheck() {
    let dir = common::root().join("deploy/github-action");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scripts")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sh"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 4);
    let out = Command::new("shellcheck")
        .args(["--external-sources", "--shell=bash"])
        .args(&scripts)
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run shellcheck ({e}): `.ci/install-tools action` installs it")
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
