//! Evaluation: every selected rule over the resources of its types, in parallel.
//!
//! The graph is evaluated in groups (the whole graph but for Bicep), each given
//! to rules as `data.inventory` (resources by id, referrers by id, ids by type), so rules can
//! follow edges; a scan evaluates its Bicep deployments a few at a time as they load
//! ([`Evaluator`]). Each rule is then evaluated only on the
//! resources of its `resource_types`, in batches given as `input.resources`. Rules of one
//! platform that examine the same resources form a *unit*, evaluated in one engine by one
//! evaluation per batch, so the helpers they share (`lib.kubernetes.all_containers`) are
//! computed once; when that evaluation fails, each rule of the unit is evaluated again on
//! its own, so the error is that rule's and the others' results stand. Work items (unit ×
//! batch) run on rayon workers, each in a clone of the unit's warmed regorus engine (clones
//! are cheap reference counts once the engine has been prepared by a first evaluation). A
//! rule that errors is reported with its id and the others go on. Results are sorted, so
//! output never depends on scheduling.

mod evaluator;
mod inventory;
pub mod resident;
mod view;

use evaluator::GROUP_RESOURCES;
pub use evaluator::{Evaluator, evaluate_values};

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::time::Duration;

use rayon::prelude::*;
use regorus::Value;

use crate::finding::Finding;
use crate::graph::{ReadTypes, Resource, ResourceGraph};
use crate::policy::{PolicySet, RuleMeta, rego_error_parts};

/// Tuning of an evaluation.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// Resources per evaluation (regorus' per-call overhead makes ~500 the sweet spot).
    pub batch_size: usize,
    /// Longest a single rule evaluation on one batch may run.
    pub timeout: Duration,
    /// Evaluate the rules of one platform that examine the same resources together, in one
    /// evaluation per batch (faster: they share their libraries' helpers). Off, each rule is
    /// evaluated alone, so that each can be timed.
    pub together: bool,
    /// Resources per evaluation group, unless one group must hold more ([`groups`]).
    pub group_size: usize,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            batch_size: 500,
            timeout: Duration::from_secs(60),
            together: true,
            group_size: GROUP_RESOURCES,
        }
    }
}

/// A rule that failed to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RuleError {
    pub rule_id: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

impl RuleError {
    /// The rule file, with the line when known.
    pub fn place(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }
}

/// What one rule looked at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RuleRun {
    pub rule_id: String,
    /// Time spent evaluating the rule, summed over its batches (not part of any report:
    /// it differs between runs).
    #[serde(skip)]
    pub elapsed: std::time::Duration,
    /// Ids of the resources of the rule's types.
    pub examined: Vec<String>,
    pub failed: usize,
    pub errored: bool,
}

/// The result of evaluating rules on a graph.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Failures, in canonical order.
    pub findings: Vec<Finding>,
    /// Resources a rule could not decide on (unknown values), in canonical order.
    pub undetermined: Vec<Finding>,
    pub errors: Vec<RuleError>,
    /// One entry per evaluated rule, in rule-id order.
    pub runs: Vec<RuleRun>,
}

/// One raw result of a rule (`deny` or `undetermined` element).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Raw {
    resource_id: String,
    attribute: Option<String>,
    message: String,
}

struct ItemResult {
    rule: usize,
    elapsed: std::time::Duration,
    deny: Vec<Raw>,
    undetermined: Vec<Raw>,
    /// Evaluation errors, with the resource they happened on when known.
    errors: Vec<(Option<usize>, String)>,
}

impl ItemResult {
    fn new(rule: usize) -> Self {
        ItemResult {
            rule,
            elapsed: std::time::Duration::ZERO,
            deny: Vec::new(),
            undetermined: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn absorb(&mut self, (deny, undetermined, bad): BatchParts) {
        self.deny.extend(deny);
        self.undetermined.extend(undetermined);
        self.errors.extend(bad.into_iter().map(|e| (None, e)));
    }
}

/// Evaluates `rules` (a selection of `policies.rules`) on `graph`.
pub fn evaluate(
    policies: &PolicySet,
    rules: &[&RuleMeta],
    graph: &ResourceGraph,
    opts: &EvalOptions,
) -> Outcome {
    evaluate_values(policies, rules, graph, RuleValues::of(graph), opts)
}

/// The attribute values of a graph's resources as rules read them (regorus values), in graph
/// order. The resources as rules see them are built from these, one evaluation group at a
/// time ([`RuleValues::views`]): held for the whole graph at once, they were a quarter of a
/// Bicep scan's peak memory.
pub struct RuleValues(Vec<Value>);

impl RuleValues {
    /// Built from `graph`, which keeps its attribute values.
    pub fn of(graph: &ResourceGraph) -> RuleValues {
        let share = share_size(graph.resources.len());
        by_share(graph.resources.par_chunks(share), |share, interner| {
            share
                .iter()
                .map(|r| view::rule_attributes(r, interner))
                .collect()
        })
    }

    /// Converts the attribute values of `resources` (those of one file, just loaded) for
    /// rules ahead of [`RuleValues::take`], into `rule_attributes`, and keeps in `attributes`
    /// only the paths `keep` gives for the resource. Loading then never holds the JSON copy
    /// of every file's attributes at once (it was the peak of a Kubernetes scan). Values are
    /// interned with the calling thread's interner, so equal values of different files are
    /// shared; [`RuleValues::end_preparing`] drops the interners.
    pub fn prepare(resources: &mut [Resource], keep: impl Fn(&Resource) -> Vec<Vec<&'static str>>) {
        LOAD_INTERNER.with_borrow_mut(|interner| {
            for r in resources {
                let attributes = std::mem::take(&mut r.attributes);
                r.rule_attributes = Some(interner.json(&attributes));
                r.attributes = kept(&attributes, &keep(r));
            }
        });
    }

    /// Drops the interners [`RuleValues::prepare`] used, in the calling thread and in every
    /// thread of the rayon pool (the values they built stay; only their indexes go).
    pub fn end_preparing() {
        rayon::broadcast(|_| drop(LOAD_INTERNER.take()));
        drop(LOAD_INTERNER.take());
    }

    /// Built from `graph`, taking each resource's attribute values out of it as they are
    /// converted, so that the two copies are never held together. The graph keeps only the
    /// attribute paths in `keep` (each a list of object keys): what the host still reads
    /// after evaluation.
    pub fn take(graph: &mut ResourceGraph, keep: &[&[&str]]) -> RuleValues {
        let share = share_size(graph.resources.len());
        by_share(graph.resources.par_chunks_mut(share), |share, interner| {
            share
                .iter_mut()
                .map(|r| {
                    let attributes = view::rule_attributes(r, interner);
                    // When prepared as its file loaded, `attributes` holds what was kept then,
                    // a superset of `keep`.
                    r.rule_attributes = None;
                    r.attributes = kept(&r.attributes, keep);
                    attributes
                })
                .collect()
        })
    }

    /// The resources of `range` of `graph` (whose attribute values these are) as rules see
    /// them, in order; `Undefined` for a resource of a type `reads` leaves out.
    pub(crate) fn views(
        &self,
        graph: &ResourceGraph,
        range: Range<usize>,
        reads: &ReadTypes,
    ) -> Vec<Value> {
        let resources = &graph.resources[range.clone()];
        let attributes = &self.0[range];
        let share = share_size(resources.len());
        by_share(
            resources
                .par_chunks(share)
                .zip(attributes.par_chunks(share)),
            |(resources, attributes), interner| {
                resources
                    .iter()
                    .zip(attributes)
                    .map(|(r, a)| {
                        if reads.reads(&r.resource_type) {
                            view::rule_view(r, a.clone(), interner)
                        } else {
                            Value::Undefined
                        }
                    })
                    .collect()
            },
        )
        .0
    }
}

thread_local! {
    /// The interner of [`RuleValues::prepare`] in each loading thread.
    static LOAD_INTERNER: std::cell::RefCell<view::Interner> =
        std::cell::RefCell::new(view::Interner::default());
}

/// Resources are converted in one contiguous share per worker, each with an interner of its
/// own (`view::Interner`), so values equal within a share are built once.
pub(super) fn share_size(resources: usize) -> usize {
    resources
        .div_ceil(rayon::current_num_threads().max(1))
        .max(1)
}

/// The values `convert` builds from each of `shares`, in order, each share with a fresh
/// interner.
fn by_share<S: Send>(
    shares: impl ParallelIterator<Item = S>,
    convert: impl Fn(S, &mut view::Interner) -> Vec<Value> + Sync + Send,
) -> RuleValues {
    RuleValues(
        shares
            .flat_map_iter(|share| convert(share, &mut view::Interner::default()))
            .collect(),
    )
}

/// The paths of `keep` that `attributes` has, in a tree of their own (`null` if none).
fn kept<'k>(attributes: &serde_json::Value, keep: &[impl AsRef<[&'k str]>]) -> serde_json::Value {
    fn insert_at(tree: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
        let Some((first, rest)) = path.split_first() else {
            *tree = value;
            return;
        };
        if !tree.is_object() {
            *tree = serde_json::Value::Object(serde_json::Map::new());
        }
        if let serde_json::Value::Object(map) = tree {
            let at = map
                .entry(first.to_string())
                .or_insert(serde_json::Value::Null);
            insert_at(at, rest, value);
        }
    }
    let mut out = serde_json::Value::Null;
    for path in keep.iter().map(AsRef::as_ref) {
        if let Some(value) = path.iter().try_fold(attributes, |v, key| v.get(key)) {
            insert_at(&mut out, path, value.clone());
        }
    }
    out
}

/// The rule of a unit's aggregate module: each member's id → its `deny` (and `undetermined`).
const GROUP_RESULTS: &str = "data.tenet_together.results";

/// An engine with the members' rules, their libraries and an aggregate rule
/// ([`GROUP_RESULTS`]) that evaluates them all.
fn group_engine(policies: &PolicySet, members: &[&RuleMeta]) -> Result<regorus::Engine, String> {
    let mut source = String::from("package tenet_together\n\nimport rego.v1\n");
    source.push_str(&aggregate_rule("results", members.iter().copied(), true));
    let packages: Vec<&str> = members.iter().map(|r| r.package.as_str()).collect();
    policies
        .group_engine(&packages, Some(("tenet_together.rego".into(), source)))
        .ok_or_else(|| "could not build the engine of rules evaluated together".to_string())
}

/// One evaluation of a unit's rules on a batch: each member's `deny` and `undetermined`
/// elements and malformed elements, in member order. Any evaluation error fails the whole.
fn evaluate_together(
    engine: &mut regorus::Engine,
    rules: &[&RuleMeta],
    members: &[usize],
    group: &GroupValues<'_>,
    batch: &[usize],
) -> Result<Vec<BatchParts>, String> {
    engine.set_input(batch_input(group, batch));
    let value = engine
        .eval_rule(GROUP_RESULTS.to_string())
        .map_err(|e| e.to_string())?;
    read_aggregate(
        &value,
        GROUP_RESULTS,
        members.iter().map(|&ri| rules[ri]),
        true,
    )
}

/// Rego of a rule `name` that evaluates several rules in one evaluation: each rule's id →
/// `{"deny": <its deny>}`, with `"undetermined"` too for rules that declare one when
/// `undetermined` is asked for. The scan's units and the resident admission rules use it.
fn aggregate_rule<'a>(
    name: &str,
    rules: impl IntoIterator<Item = &'a RuleMeta>,
    undetermined: bool,
) -> String {
    let mut source = format!("\n{name} := {{\n");
    for rule in rules {
        let id = serde_json::to_string(&rule.id).unwrap_or_default();
        source.push_str(&format!("\t{id}: {{\"deny\": data.{}.deny", rule.package));
        if undetermined && rule.has_undetermined {
            source.push_str(&format!(
                ", \"undetermined\": data.{}.undetermined",
                rule.package
            ));
        }
        source.push_str("},\n");
    }
    source.push_str("}\n");
    source
}

/// What an aggregate rule ([`aggregate_rule`], evaluated at `path` to `value`) gave for
/// each of `rules`, in order: `deny` and (with `undetermined`) `undetermined` elements, and
/// malformed elements.
fn read_aggregate<'a>(
    value: &Value,
    path: &str,
    rules: impl Iterator<Item = &'a RuleMeta>,
    undetermined: bool,
) -> Result<Vec<BatchParts>, String> {
    let Value::Object(results) = value else {
        return Err(format!("{path} is not an object: {value}"));
    };
    let mut out = Vec::new();
    for rule in rules {
        let result = results
            .get(&Value::from(rule.id.as_str()))
            .ok_or_else(|| format!("{path} lacks {}", rule.id))?;
        let part = |name: &str| -> Result<(Vec<Raw>, Vec<String>), String> {
            let set = match result {
                Value::Object(o) => o.get(&Value::from(name)).cloned(),
                _ => None,
            };
            read_elements(&set.unwrap_or(Value::Undefined), name)
        };
        let (deny, mut bad) = part("deny")?;
        let (undetermined, bad_u) = if undetermined && rule.has_undetermined {
            part("undetermined")?
        } else {
            (Vec::new(), Vec::new())
        };
        bad.extend(bad_u);
        out.push((deny, undetermined, bad));
    }
    Ok(out)
}

/// Each resource's index in the graph, by id.
fn index_by_id(graph: &ResourceGraph) -> foldhash::HashMap<&str, usize> {
    graph
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect()
}

/// What one rule produced on a graph, gathered from its evaluations.
#[derive(Default)]
struct Gathered {
    deny: BTreeSet<Raw>,
    undetermined: BTreeSet<Raw>,
    /// Evaluation errors, with the resource they happened on when known.
    errors: BTreeSet<(Option<usize>, String)>,
    /// Indices of the resources the rule looked at.
    examined: Vec<usize>,
    elapsed: std::time::Duration,
}

/// [`conclude`] for each rule, with the resources it examined and its batches' results, in
/// parallel: making the findings (their locations and fingerprints) was most of a scan's
/// serial tail. The rules' findings, errors and runs are joined in canonical order.
fn conclude_all(
    graph: &ResourceGraph,
    ids: &foldhash::HashMap<&str, usize>,
    in_scope: &[bool],
    work: Vec<(&RuleMeta, Vec<usize>, Vec<ItemResult>)>,
) -> Outcome {
    let parts: Vec<Outcome> = work
        .into_par_iter()
        .with_max_len(1)
        .map(|(rule, examined, results)| {
            let mut g = Gathered {
                examined,
                ..Gathered::default()
            };
            for r in results {
                g.elapsed += r.elapsed;
                g.deny.extend(r.deny);
                g.undetermined.extend(r.undetermined);
                g.errors.extend(r.errors);
            }
            let mut outcome = Outcome::default();
            conclude(rule, graph, ids, in_scope, g, &mut outcome);
            outcome
        })
        .collect();
    let mut outcome = Outcome::default();
    for part in parts {
        outcome.findings.extend(part.findings);
        outcome.undetermined.extend(part.undetermined);
        outcome.errors.extend(part.errors);
        outcome.runs.extend(part.runs);
    }
    outcome.sort();
    outcome
}

/// Turns what a rule produced into findings (on in-scope resources), errors and its run,
/// appended to `outcome`.
fn conclude(
    rule: &RuleMeta,
    graph: &ResourceGraph,
    ids: &foldhash::HashMap<&str, usize>,
    in_scope: &[bool],
    mut g: Gathered,
    outcome: &mut Outcome,
) {
    let mut failed = 0;
    for (raws, out, is_deny) in [
        (merge(g.deny), &mut outcome.findings, true),
        (merge(g.undetermined), &mut outcome.undetermined, false),
    ] {
        for raw in raws {
            match ids.get(raw.resource_id.as_str()) {
                // A finding on a context file's resource is not reported.
                Some(&i) if !in_scope[i] => {}
                Some(&i) => {
                    out.push(Finding::new(
                        rule,
                        &graph.resources[i],
                        raw.message,
                        raw.attribute,
                    ));
                    failed += usize::from(is_deny);
                }
                None => {
                    g.errors.insert((
                        None,
                        format!(
                            "reported resource_id \"{}\", which is not in the resource graph",
                            raw.resource_id
                        ),
                    ));
                }
            }
        }
    }
    let errored = !g.errors.is_empty();
    for (resource, message) in g.errors {
        let on = resource.map(|i| graph.resources[i].id.as_str());
        outcome.errors.push(rule_error(rule, on, &message));
    }
    outcome.runs.push(RuleRun {
        rule_id: rule.id.clone(),
        elapsed: g.elapsed,
        examined: g
            .examined
            .iter()
            .map(|&i| graph.resources[i].id.clone())
            .collect(),
        failed,
        errored,
    });
}

#[cfg(test)]
impl Outcome {
    /// Each rule run without its time (rule, resources examined, failed, errored): what two
    /// evaluations of the same rules on the same resources must agree on.
    pub(crate) fn untimed_runs(&self) -> Vec<(String, Vec<String>, usize, bool)> {
        self.runs
            .iter()
            .map(|r| (r.rule_id.clone(), r.examined.clone(), r.failed, r.errored))
            .collect()
    }
}

impl Outcome {
    /// Joins the outcome of another graph evaluated with the same rules (an [`Evaluator`]'s
    /// next graph); [`Outcome::sort`] then puts the joined lists in canonical order.
    pub fn absorb(&mut self, other: Outcome) {
        self.findings.extend(other.findings);
        self.undetermined.extend(other.undetermined);
        self.errors.extend(other.errors);
        if self.runs.is_empty() {
            self.runs = other.runs;
            return;
        }
        for (run, more) in self.runs.iter_mut().zip(other.runs) {
            debug_assert_eq!(run.rule_id, more.rule_id);
            run.elapsed += more.elapsed;
            run.examined.extend(more.examined);
            run.failed += more.failed;
            run.errored |= more.errored;
        }
    }

    /// Puts findings, undetermined results, errors and runs in canonical order.
    pub(crate) fn sort(&mut self) {
        // Sort keys are distinct (`merge` leaves one result per rule, resource and
        // attribute), so an unstable sort, which needs no buffer, gives the one order.
        self.findings
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.undetermined
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.errors.sort();
        self.runs.sort_by(|a, b| a.rule_id.cmp(&b.rule_id));
        // In graph order, which is id order, unless outcomes were joined.
        for run in &mut self.runs {
            if !run.examined.is_sorted() {
                run.examined.sort_unstable();
            }
        }
    }
}

/// One result per resource and attribute (a finding's fingerprint identity): several messages
/// for the same place are joined, in order.
fn merge(raws: BTreeSet<Raw>) -> Vec<Raw> {
    let mut out: Vec<Raw> = Vec::new();
    for raw in raws {
        match out.last_mut() {
            Some(last)
                if last.resource_id == raw.resource_id && last.attribute == raw.attribute =>
            {
                last.message.push_str("; ");
                last.message.push_str(&raw.message);
            }
            _ => out.push(raw),
        }
    }
    out
}

/// The error of a rule from an evaluation error message, located in the rule's file (or in
/// the helper library it happened in), with the resource being evaluated when known.
fn rule_error(rule: &RuleMeta, resource: Option<&str>, message: &str) -> RuleError {
    let parts = rego_error_parts(message);
    let (line, mut message) = match (&parts.file, parts.line) {
        (Some(f), Some(l)) if *f != rule.file => (None, format!("{f}:{l}: {}", parts.reason)),
        _ => (parts.line, parts.reason),
    };
    if let Some(id) = resource {
        message.push_str(&format!(" (evaluating {id})"));
    }
    RuleError {
        rule_id: rule.id.clone(),
        file: rule.file.clone(),
        line,
        message,
    }
}

/// The resources of one evaluation group as rules see them, and the group's inventory.
pub(super) struct GroupValues<'a> {
    /// The group's resources, the first being the graph's resource `offset`.
    pub(super) values: &'a [Value],
    pub(super) offset: usize,
    /// `data.inventory` of the group (from [`inventory::data`]), if rules are given one.
    pub(super) inventory: Option<&'a Value>,
}

impl GroupValues<'_> {
    /// No resources, no inventory.
    pub(super) const EMPTY: GroupValues<'static> = GroupValues {
        values: &[],
        offset: 0,
        inventory: None,
    };
}

/// The input of one evaluation: `input.resources`, the resources of `batch` (graph indices),
/// and `input.inventory`, which rules read as `data.inventory` ([`inventory::MODULE`]).
fn batch_input(group: &GroupValues<'_>, batch: &[usize]) -> Value {
    let resources: Vec<Value> = batch
        .iter()
        .map(|&i| group.values[i - group.offset].clone())
        .collect();
    let mut input = BTreeMap::new();
    input.insert(Value::from("resources"), Value::from(resources));
    if let Some(inventory) = group.inventory {
        input.insert(Value::from("inventory"), inventory.clone());
    }
    Value::from(input)
}

/// `deny` elements, `undetermined` elements and malformed-element errors of one evaluation.
type BatchParts = (Vec<Raw>, Vec<Raw>, Vec<String>);

/// Evaluates a rule's `deny` and `undetermined` on one batch. When evaluation fails, the
/// batch is evaluated again one resource at a time, so that one resource with a value the
/// rule cannot handle costs only its own result (reported as an error naming it).
fn evaluate_batch(
    engine: &mut regorus::Engine,
    rule: &RuleMeta,
    group: &GroupValues<'_>,
    batch: &[usize],
    out: &mut ItemResult,
) {
    let deny_path = format!("data.{}.deny", rule.package);
    let undetermined_path = format!("data.{}.undetermined", rule.package);
    let run = |engine: &mut regorus::Engine, part: &[usize]| -> Result<BatchParts, String> {
        engine.set_input(batch_input(group, part));
        let (deny, mut bad) = run_rule(engine, &deny_path)?;
        let (undetermined, bad_u) = if rule.has_undetermined {
            run_rule(engine, &undetermined_path)?
        } else {
            (Vec::new(), Vec::new())
        };
        bad.extend(bad_u);
        Ok((deny, undetermined, bad))
    };
    match run(engine, batch) {
        Ok(parts) => out.absorb(parts),
        Err(e) if batch.len() == 1 => {
            out.errors.push((Some(batch[0]), e));
        }
        Err(_) => {
            for &i in batch {
                match run(engine, &[i]) {
                    Ok(parts) => out.absorb(parts),
                    Err(e) => out.errors.push((Some(i), e)),
                }
            }
        }
    }
}

/// Evaluates one rule set and reads its elements: the well-formed ones, and an error for each
/// malformed one (which does not cost the others).
fn run_rule(engine: &mut regorus::Engine, path: &str) -> Result<(Vec<Raw>, Vec<String>), String> {
    let value = engine
        .eval_rule(path.to_string())
        .map_err(|e| e.to_string())?;
    read_elements(&value, path.rsplit('.').next().unwrap_or(path))
}

/// The elements of a rule's `deny` (or `undetermined`) set named `name`: the well-formed
/// ones, and an error for each malformed one.
fn read_elements(value: &Value, name: &str) -> Result<(Vec<Raw>, Vec<String>), String> {
    let elements: Vec<&Value> = match value {
        Value::Undefined => return Ok((Vec::new(), Vec::new())),
        Value::Set(s) => s.iter().collect(),
        Value::Array(a) => a.iter().collect(),
        other => return Err(format!("`{name}` must be a set of objects, got {other}")),
    };
    let mut raws = Vec::new();
    let mut bad = Vec::new();
    for element in elements {
        match raw_of(element) {
            Ok(raw) => raws.push(raw),
            Err(e) => bad.push(e),
        }
    }
    Ok((raws, bad))
}

fn raw_of(v: &Value) -> Result<Raw, String> {
    let field = |name: &str| -> Option<String> {
        match v {
            Value::Object(o) => match o.get(&Value::from(name)) {
                Some(Value::String(s)) => Some(s.to_string()),
                _ => None,
            },
            _ => None,
        }
    };
    let resource_id =
        field("resource_id").ok_or_else(|| format!("result {v} lacks a string `resource_id`"))?;
    let message = field("message").ok_or_else(|| format!("result {v} lacks a string `message`"))?;
    let attribute = field("attribute").filter(|a| !a.is_empty());
    Ok(Raw {
        resource_id,
        message,
        attribute,
    })
}

#[cfg(test)]
mod tests;
