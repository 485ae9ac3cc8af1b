//! Terraform plan JSON (`terraform show -json PLAN`) and state JSON (`terraform show -json`)
//! loader.
//!
//! Resources come from `planned_values` (or `values` for state), at every module level, with
//! addresses as Terraform prints them. Values the plan leaves "known after apply" are listed
//! in `unknown` (from `resource_changes[].change.after_unknown`). References come from the
//! `configuration` section's expression `references`. When the configuration's `.tf` files are
//! beside the plan, each resource's `source` points at its block there (and `call_site` at the
//! module call); otherwise at the resource's entry in the plan file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use hcl_edit::Span;
use hcl_edit::structure::{Body, Structure};
use serde_json::{Map as JsonMap, Value as Json};

use crate::graph::{
    AttrPath, CallSite, FileSource, InputFile, LoadError, Mode, Origin, Ref, Region, Resource,
    ResourceGraph, Scope, Source,
};
use crate::load::terraform::{ModuleDef, SourceFile, join_display, local_source, tf_files_in};
use crate::load::text::LineIndex;

/// Whether the start of a JSON file looks like Terraform's JSON output (plan or state).
pub fn sniff(head: &str) -> bool {
    head.contains("\"format_version\"") && head.contains("\"terraform_version\"")
}

/// Loads one plan (or state) JSON file. `fs_dir` is its directory on disk, where the
/// configuration may be; `dir` the display path of that directory.
/// Configuration files are read only inside `base` (the scanned tree), when given.
pub fn load(
    display: &str,
    text: &str,
    fs_dir: &Path,
    dir: &str,
    base: Option<&Path>,
    limits: &crate::limits::Limits,
) -> ResourceGraph {
    let mut graph = ResourceGraph::new();
    graph.files.push(InputFile {
        file: display.to_string(),
        kind: "terraform-plan".to_string(),
        scanned: true,
    });
    let error = |line: usize, column: usize, message: String| LoadError {
        file: display.to_string(),
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        column: Some(u32::try_from(column).unwrap_or(u32::MAX)),
        message,
        file_skipped: true,
    };
    let doc: Json = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            graph.errors.push(error(
                e.line(),
                e.column(),
                format!("JSON parse error: {e}"),
            ));
            return graph;
        }
    };
    let Some(root) = doc
        .get("planned_values")
        .or_else(|| doc.get("values"))
        .and_then(|v| v.get("root_module"))
    else {
        // A plan with no changes and no resources has no planned values: nothing to load.
        return graph;
    };
    let after_unknown: HashMap<&str, &Json> = doc
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        // A deposed object shares the address of the current one; its change is not the one
        // planned for the resource.
        .filter(|c| c.get("deposed").is_none())
        .filter_map(|c| {
            Some((
                c.get("address")?.as_str()?,
                c.get("change")?.get("after_unknown")?,
            ))
        })
        .collect();
    let plan = Plan {
        display,
        text,
        lines: LineIndex::new(text),
        address_spans: std::cell::OnceCell::new(),
        config: doc.get("configuration"),
        after_unknown,
        located: Locator::new(fs_dir, dir, base, limits),
    };
    let mut out = Vec::new();
    plan.module(root, &mut out, 0);
    for file in plan.located.used_files() {
        graph.files.push(InputFile {
            file,
            kind: "terraform".to_string(),
            scanned: true,
        });
    }
    resolve_instances(&mut out);
    graph.resources = out;
    graph
}

/// A reference names a resource (`aws_s3_bucket.b`); the graph holds its instances
/// (`aws_s3_bucket.b[0]`): point the edge at each of them.
fn resolve_instances(resources: &mut [Resource]) {
    let ids: std::collections::BTreeSet<String> = resources.iter().map(|r| r.id.clone()).collect();
    for r in resources.iter_mut() {
        let mut refs = Vec::with_capacity(r.refs.len());
        for edge in r.refs.drain(..) {
            if ids.contains(&*edge.to) {
                refs.push(edge);
                continue;
            }
            let prefix = format!("{}[", edge.to);
            let instances: Vec<&String> = ids
                .range(prefix.clone()..)
                .take_while(|id| id.starts_with(&prefix))
                .collect();
            // An edge to several instances cannot be the value of any one of them.
            let direct = edge.direct && instances.len() == 1;
            refs.extend(instances.into_iter().map(|id| Ref {
                to: id.as_str().into(),
                direct,
                ..edge.clone()
            }));
        }
        refs.sort();
        refs.dedup();
        r.refs = refs;
    }
}

/// Deepest module nesting read from a plan.
const MAX_DEPTH: usize = 64;

struct Plan<'a> {
    display: &'a str,
    text: &'a str,
    lines: LineIndex<'a>,
    /// Where each address first appears (`"address": "..."`), found in one pass when needed.
    address_spans: std::cell::OnceCell<HashMap<String, std::ops::Range<usize>>>,
    config: Option<&'a Json>,
    after_unknown: HashMap<&'a str, &'a Json>,
    located: Locator,
}

impl Plan<'_> {
    fn module(&self, module: &Json, out: &mut Vec<Resource>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for r in module
            .get("resources")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(res) = self.resource(r) {
                out.push(res);
            }
        }
        for child in module
            .get("child_modules")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            self.module(child, out, depth + 1);
        }
    }

    fn resource(&self, r: &Json) -> Option<Resource> {
        let address = r.get("address")?.as_str()?;
        let rtype = r.get("type")?.as_str()?.to_string();
        let name = r.get("name")?.as_str()?.to_string();
        let mode = match r.get("mode").and_then(Json::as_str) {
            Some("data") => Mode::Data,
            _ => Mode::Managed,
        };
        let attributes = r
            .get("values")
            .cloned()
            .unwrap_or_else(|| Json::Object(JsonMap::new()));
        let mut unknown = Vec::new();
        if let Some(au) = self.after_unknown.get(address) {
            unknown_paths(au, &AttrPath::root(), &mut unknown);
        }
        let calls = module_calls(address);
        let prefix = module_prefix(address);
        let conf = self.config_resource(&calls, mode, &rtype, &name);
        let refs = conf
            .and_then(|c| c.get("expressions"))
            .map(|e| self.refs(e, &prefix))
            .unwrap_or_default();
        let region = self.region(conf, &rtype);
        let source = self
            .located
            .locate(&calls, mode, &rtype, &name)
            .unwrap_or_else(|| self.in_plan(address));
        Some(Resource {
            id: format!("tfplan:{}/{address}", self.display),
            provider: rtype.split('_').next().unwrap_or(&rtype).to_string(),
            resource_type: rtype,
            origin: Origin::Tfplan,
            mode,
            name,
            scope: Scope {
                region,
                ..Scope::default()
            },
            attributes,
            rule_attributes: None,
            unknown,
            refs,
            source: Source::File(source),
        })
    }

    /// Where the resource's entry is in the plan file (plans are often one line long, so the
    /// column matters).
    fn in_plan(&self, address: &str) -> FileSource {
        let spans = self.address_spans.get_or_init(|| address_spans(self.text));
        let region = spans.get(address).map_or(
            Region {
                start_line: 1,
                start_column: 1,
                end_line: 1,
                end_column: 1,
            },
            |span| self.lines.region(span),
        );
        FileSource {
            file: self.display.to_string(),
            start_line: region.start_line,
            end_line: region.end_line,
            block: region,
            ..FileSource::default()
        }
    }

    /// The configuration of the module reached through `calls` (module call names).
    fn config_module(&self, calls: &[String]) -> Option<&Json> {
        let mut m = self.config?.get("root_module")?;
        for c in calls {
            m = m.get("module_calls")?.get(c)?.get("module")?;
        }
        Some(m)
    }

    fn config_resource(
        &self,
        calls: &[String],
        mode: Mode,
        rtype: &str,
        name: &str,
    ) -> Option<&Json> {
        let wanted = match mode {
            Mode::Data => format!("data.{rtype}.{name}"),
            _ => format!("{rtype}.{name}"),
        };
        self.config_module(calls)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(Json::as_str) == Some(wanted.as_str()))
    }

    /// References of the resource's expressions (`"references": ["aws_s3_bucket.b.id",
    /// "aws_s3_bucket.b"]`), resolved to resources of the same module instance. Terraform
    /// lists references without saying how they combine, so a reference is taken as the
    /// attribute's whole value when it is the only resource the expression names.
    fn refs(&self, expressions: &Json, prefix: &str) -> Vec<Ref> {
        let mut out = Vec::new();
        walk_expressions(expressions, &AttrPath::root(), &mut |path, references| {
            let named: Vec<(String, Option<String>)> = references
                .iter()
                .filter_map(|r| r.as_str())
                .filter_map(resource_of_reference)
                .collect();
            // `aws_s3_bucket.b["a"]` and `aws_s3_bucket.b` are listed together: the instance
            // named by a constant key is the one meant.
            let mut targets: Vec<String> = named
                .iter()
                .filter(|(res, key)| {
                    key.is_some() || !named.iter().any(|(r, k)| r == res && k.is_some())
                })
                .map(|(res, key)| format!("{res}{}", key.as_deref().unwrap_or("")))
                .collect();
            targets.sort();
            targets.dedup();
            let direct = targets.len() == 1;
            for t in targets {
                out.push(Ref {
                    attribute: path.to_string(),
                    to: format!("tfplan:{}/{prefix}{t}", self.display).into(),
                    direct,
                });
            }
        });
        out.sort();
        out.dedup();
        out
    }

    /// The region of the provider configuration the resource uses, when it is a constant.
    fn region(&self, conf: Option<&Json>, rtype: &str) -> Option<String> {
        let providers = self.config?.get("provider_config")?;
        let short = rtype.split('_').next().unwrap_or(rtype);
        let key = conf
            .and_then(|c| c.get("provider_config_key"))
            .and_then(Json::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| short.to_string());
        // Keys of module providers are `module.path:name`; a key the plan does not list is
        // a configuration inherited from the root. A listed one without a constant region
        // has an unknown region.
        let config = match providers.get(&key) {
            Some(c) => c,
            None => providers.get(key.rsplit(':').next().unwrap_or(&key))?,
        };
        config
            .get("expressions")?
            .get("region")?
            .get("constant_value")?
            .as_str()
            .map(str::to_string)
    }
}

/// The span of the first `"address": "<address>"` of each address in a plan's text.
fn address_spans(text: &str) -> HashMap<String, std::ops::Range<usize>> {
    let mut spans = HashMap::new();
    for (start, key) in text.match_indices("\"address\"") {
        let after = &text[start + key.len()..];
        let value = after.trim_start().strip_prefix(':').map(str::trim_start);
        let Some(value) = value else { continue };
        let mut strings = serde_json::Deserializer::from_str(value).into_iter::<String>();
        let Some(Ok(address)) = strings.next() else {
            continue;
        };
        let end = text.len() - value.len() + strings.byte_offset();
        spans.entry(address).or_insert(start..end);
    }
    spans
}

/// `module.a[0].module.b.aws_x.y[1]` → `["a", "b"]`.
fn module_calls(address: &str) -> Vec<String> {
    let mut calls = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        calls.push(after[..end].to_string());
        rest = skip_instance_key(&after[end..]);
    }
    calls
}

/// `module.a[0].module.b.aws_x.y[1]` → `module.a[0].module.b.`.
fn module_prefix(address: &str) -> String {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        rest = skip_instance_key(&after[end..]);
    }
    address[..address.len() - rest.len()].to_string()
}

/// Skips a leading `["k"]` or `[0]` and the `.` after it.
fn skip_instance_key(s: &str) -> &str {
    let mut rest = s;
    if rest.starts_with('[') {
        // A quoted key may hold `]`; scan for the closing bracket outside quotes.
        let mut in_str = false;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_str => escaped = true,
                '"' => in_str = !in_str,
                ']' if !in_str => {
                    rest = &rest[i + 1..];
                    break;
                }
                _ => {}
            }
        }
    }
    rest.strip_prefix('.').unwrap_or(rest)
}

/// The resource a reference names and the constant instance key right after it, if any
/// (`aws_s3_bucket.b.id` → `aws_s3_bucket.b`; `aws_s3_bucket.b["a"].id` → with `["a"]`;
/// `data.x.y.z` → `data.x.y`); `None` for variables, locals, module outputs and the like.
fn resource_of_reference(r: &str) -> Option<(String, Option<String>)> {
    let (head, rest) = match r.strip_prefix("data.") {
        Some(rest) => ("data.", rest),
        None => ("", r),
    };
    let (rtype, rest) = rest.split_once('.')?;
    let special = matches!(
        rtype,
        "var" | "local" | "each" | "count" | "path" | "terraform" | "self" | "module"
    );
    if head.is_empty() && (special || !rtype.contains('_')) {
        return None;
    }
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = &rest[..end];
    if name.is_empty() {
        return None;
    }
    let after = &rest[end..];
    let key = after.starts_with('[').then(|| {
        let tail = skip_instance_key(after);
        let consumed = after.len() - tail.len();
        after[..consumed].trim_end_matches('.').to_string()
    });
    // Only constant keys name an instance (`[0]`, `["a"]`), not `[count.index]`.
    let key = key.filter(|k| {
        let inner = k
            .strip_prefix('[')
            .and_then(|k| k.strip_suffix(']'))
            .unwrap_or("");
        inner.parse::<u64>().is_ok()
            || (inner.len() >= 2 && inner.starts_with('"') && inner.ends_with('"'))
    });
    Some((format!("{head}{rtype}.{name}"), key))
}

/// Calls `f` with each expression's path and `references`: an expression is an object with
/// `references` or `constant_value`; nested blocks are arrays of objects of expressions.
fn walk_expressions(value: &Json, path: &AttrPath, f: &mut dyn FnMut(&AttrPath, &[Json])) {
    let Some(obj) = value.as_object() else { return };
    for (key, v) in obj {
        let p = path.key(key);
        match v {
            Json::Object(e) if e.contains_key("references") || e.contains_key("constant_value") => {
                if let Some(Json::Array(refs)) = e.get("references") {
                    f(&p, refs);
                }
            }
            Json::Object(_) => walk_expressions(v, &p, f),
            Json::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk_expressions(item, &p.index(i), f);
                }
            }
            _ => {}
        }
    }
}

/// Pushes the paths marked `true` in an `after_unknown` value.
fn unknown_paths(value: &Json, path: &AttrPath, out: &mut Vec<String>) {
    match value {
        Json::Bool(true) if !path.as_str().is_empty() => out.push(path.as_str().to_string()),
        Json::Object(m) => m
            .iter()
            .for_each(|(k, v)| unknown_paths(v, &path.key(k), out)),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| unknown_paths(v, &path.index(i), out)),
        _ => {}
    }
}

/// Finds resource blocks in the configuration beside the plan (parsed on first use).
struct Locator {
    fs_dir: std::path::PathBuf,
    dir: String,
    /// The real path of the scanned tree; `None` reads nothing.
    real_base: Option<std::path::PathBuf>,
    /// File size and parse time bounds of the configuration's files.
    limits: crate::limits::Limits,
    modules: std::cell::RefCell<BTreeMap<String, Option<ModuleDef>>>,
    used: std::cell::RefCell<std::collections::BTreeSet<String>>,
}

impl Locator {
    fn new(fs_dir: &Path, dir: &str, base: Option<&Path>, limits: &crate::limits::Limits) -> Self {
        Locator {
            fs_dir: fs_dir.to_path_buf(),
            dir: dir.to_string(),
            real_base: base.and_then(|b| b.canonicalize().ok()),
            limits: *limits,
            modules: Default::default(),
            used: Default::default(),
        }
    }

    fn used_files(&self) -> Vec<String> {
        self.used.borrow().iter().cloned().collect()
    }

    /// Parses the `.tf` files of a display directory (relative to the plan's directory).
    fn with_module<T>(&self, rel: &str, f: impl FnOnce(&ModuleDef) -> Option<T>) -> Option<T> {
        let mut modules = self.modules.borrow_mut();
        let entry = modules.entry(rel.to_string()).or_insert_with(|| {
            let fs = self.fs_dir.join(rel);
            let real = fs.canonicalize().ok()?;
            if !self.real_base.as_ref().is_some_and(|b| real.starts_with(b)) {
                return None;
            }
            let display = join_display(&self.dir, rel);
            let sources: Vec<SourceFile> = tf_files_in(&fs, &display)
                .into_iter()
                .filter_map(|(path, display, scanned)| {
                    let text =
                        crate::load::text::read_source(&path, &display, self.limits.file_bytes)
                            .ok()?;
                    Some(SourceFile {
                        display,
                        text,
                        scanned,
                    })
                })
                .collect();
            (!sources.is_empty())
                .then(|| ModuleDef::parse(&display, sources, self.limits.hcl_parse).0)
        });
        f(entry.as_ref()?)
    }

    /// The block of a resource reached through module `calls`, with its call site.
    fn locate(&self, calls: &[String], mode: Mode, rtype: &str, name: &str) -> Option<FileSource> {
        let mut rel = ".".to_string();
        let mut call_site = None;
        for (i, call) in calls.iter().enumerate() {
            let (next, site) = self.with_module(&rel, |m| {
                let idx = m.find(Mode::Module, "module", call)?;
                let def = &m.blocks[idx];
                let source = local_source(def)?;
                let file = &m.files[def.file];
                let index = LineIndex::new(&file.text);
                let span = def.block.span()?;
                Some((
                    join_display(&rel, source),
                    CallSite {
                        file: file.display.clone(),
                        line: index.line_col(span.start).0,
                        end_line: index.line_col(span.end.saturating_sub(1)).0,
                    },
                ))
            })?;
            if i == 0 {
                call_site = Some(std::sync::Arc::new(site));
            }
            rel = next;
        }
        let mut source = self.with_module(&rel, |m| {
            let def = &m.blocks[m.find(mode, rtype, name)?];
            let file = &m.files[def.file];
            let lines = LineIndex::new(&file.text);
            let block = lines.region(&def.block.span()?);
            let mut attributes = BTreeMap::new();
            body_lines(&def.block.body, &AttrPath::root(), &lines, &mut attributes);
            Some(FileSource {
                file: file.display.clone(),
                start_line: block.start_line,
                end_line: block.end_line,
                regions: crate::graph::lines_to_regions(attributes),
                call_site: None,
                block,
            })
        })?;
        self.used.borrow_mut().insert(source.file.clone());
        source.call_site = call_site;
        Some(source)
    }
}

/// Lines of the attributes and nested blocks of a body (nested blocks indexed by type).
fn body_lines(body: &Body, path: &AttrPath, lines: &LineIndex, out: &mut BTreeMap<String, u32>) {
    let mut counters: HashMap<&str, usize> = HashMap::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                if let Some(span) = a.span() {
                    out.insert(
                        path.key(a.key.as_str()).to_string(),
                        lines.line_col(span.start).0,
                    );
                }
            }
            Structure::Block(b) => {
                let ident = b.ident.as_str();
                if ident == "dynamic" {
                    continue;
                }
                let n = counters.entry(ident).or_insert(0);
                let p = path.key(ident).index(*n);
                *n += 1;
                if let Some(span) = b.span() {
                    let line = lines.line_col(span.start).0;
                    out.entry(path.key(ident).to_string()).or_insert(line);
                    out.insert(p.to_string(), line);
                }
                body_lines(&b.body, &p, lines, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_into_module_calls() {
        let a = r#"module.a["x.y]"].module.b[0].aws_s3_bucket.c[1]"#;
        assert_eq!(module_calls(a), vec!["a", "b"]);
        assert_eq!(module_prefix(a), r#"module.a["x.y]"].module.b[0]."#);
        assert_eq!(module_calls("aws_s3_bucket.c"), Vec::<String>::new());
        assert_eq!(module_prefix("aws_s3_bucket.c"), "");
    }

    #[test]
    fn address_spans_are_found_in_one_pass() {
        let text = "{\"a\":[{\"address\":\"x.y\"},\n {\"address\" : \"m\\u0026n\"}, {\"address\":\"x.y\"}]}";
        let spans = address_spans(text);
        assert_eq!(&text[spans["x.y"].clone()], r#""address":"x.y""#);
        assert_eq!(&text[spans["m&n"].clone()], r#""address" : "m\u0026n""#);
        assert_eq!(spans["x.y"].start, 7);
    }

    #[test]
    fn references_name_resources() {
        let r = resource_of_reference;
        let some = |res: &str, key: Option<&str>| Some((res.to_string(), key.map(str::to_string)));
        assert_eq!(r("aws_s3_bucket.b.id"), some("aws_s3_bucket.b", None));
        assert_eq!(
            r("aws_s3_bucket.b[0]"),
            some("aws_s3_bucket.b", Some("[0]"))
        );
        assert_eq!(
            r(r#"aws_s3_bucket.b["a.b"].id"#),
            some("aws_s3_bucket.b", Some(r#"["a.b"]"#))
        );
        assert_eq!(
            r("aws_s3_bucket.b[count.index]"),
            some("aws_s3_bucket.b", None)
        );
        assert_eq!(
            r("data.aws_iam_policy_document.p.json"),
            some("data.aws_iam_policy_document.p", None)
        );
        assert_eq!(r("var.x"), None);
        assert_eq!(r("module.m.out"), None);
        assert_eq!(r("count.index"), None);
    }
}
