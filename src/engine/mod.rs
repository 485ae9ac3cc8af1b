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

mod inventory;
pub mod resident;
mod view;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rayon::prelude::*;
use regorus::Value;

use crate::finding::Finding;
use crate::graph::{Resource, ResourceGraph};
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
    /// them, in order.
    pub(crate) fn views(&self, graph: &ResourceGraph, range: Range<usize>) -> Vec<Value> {
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
                    .map(|(r, a)| view::rule_view(r, a.clone(), interner))
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

/// Evaluates `rules` (a selection of `policies.rules`) on `graph`, whose attribute values are
/// `values` (from [`RuleValues::of`] or [`RuleValues::take`] on that graph).
///
/// The graph is evaluated in groups ([`groups`]), one after another, each with its own
/// `data.inventory`: only one group's resources are held as rules see them at a time.
pub fn evaluate_values(
    policies: &PolicySet,
    rules: &[&RuleMeta],
    graph: &ResourceGraph,
    values: RuleValues,
    opts: &EvalOptions,
) -> Outcome {
    Evaluator::new(policies, rules, opts, false).evaluate(graph, values)
}

/// A prepared engine of a unit, made by the first batch that needs it.
type EngineSlot = Arc<Mutex<Option<Result<regorus::Engine, String>>>>;

/// Evaluates rules on one graph, or on several one after another: a scan evaluates its Bicep
/// deployments a few at a time as they load ([`Evaluator::evaluate`] per graph, outcomes
/// joined with [`Outcome::absorb`]).
pub struct Evaluator<'a> {
    policies: &'a PolicySet,
    rules: &'a [&'a RuleMeta],
    opts: &'a EvalOptions,
    config: Value,
    /// With `keep_engines`, the prepared engine of each unit (by its members) once made,
    /// for the graphs after: preparing one takes about 1.5 ms per rule. Without, a unit's
    /// engine is dropped after its last batch.
    engines: Mutex<HashMap<Vec<usize>, EngineSlot>>,
    keep_engines: bool,
}

impl<'a> Evaluator<'a> {
    /// `keep_engines`: several graphs will be evaluated; keep each unit's prepared engine
    /// for them.
    pub fn new(
        policies: &'a PolicySet,
        rules: &'a [&'a RuleMeta],
        opts: &'a EvalOptions,
        keep_engines: bool,
    ) -> Self {
        Evaluator {
            policies,
            rules,
            opts,
            config: policies.config_data(),
            engines: Mutex::new(HashMap::new()),
            keep_engines,
        }
    }

    /// Gives an engine the inventory's module and the configuration, and prepares it by one
    /// evaluation (clones share the analysis). `rules` is how many rules one evaluation runs:
    /// the time limit is per rule. The inventory comes with each batch's input, so one
    /// prepared engine serves every group (regorus analyses an engine again when its data
    /// changes).
    fn load(
        &self,
        mut engine: regorus::Engine,
        rules: usize,
        warm: &str,
    ) -> Result<regorus::Engine, String> {
        let per_rule = u32::try_from(rules).unwrap_or(u32::MAX);
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: self.opts.timeout.saturating_mul(per_rule),
            check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
        });
        let (path, source) = inventory::MODULE;
        engine
            .add_policy(path.to_string(), source.to_string())
            .map(drop)
            .and_then(|()| engine.add_data(self.config.clone()))
            .map_err(|e| format!("could not load the resource graph into the engine: {e}"))?;
        engine.set_input(batch_input(&GroupValues::EMPTY, &[]));
        let _ = engine.eval_rule(warm.to_string());
        Ok(engine)
    }

    /// An engine of one rule (the libraries and that rule), prepared.
    fn prepare(&self, rule: &RuleMeta) -> Result<regorus::Engine, String> {
        let engine = self.policies.rule_engine(&rule.package)?;
        self.load(engine, 1, &format!("data.{}.deny", rule.package))
    }

    /// The engine slot of the unit of `members`: shared across graphs with `keep_engines`.
    fn slot(&self, members: &[usize]) -> EngineSlot {
        if !self.keep_engines {
            return EngineSlot::default();
        }
        self.engines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(members.to_vec())
            .or_default()
            .clone()
    }

    /// Evaluates the rules on `graph`, whose attribute values are `values`.
    pub fn evaluate(&self, graph: &ResourceGraph, values: RuleValues) -> Outcome {
        let (policies, rules, opts) = (self.policies, self.rules, self.opts);
        let mut outcome = Outcome::default();

        // Every resource is in data.inventory, but rules run on (and report) only the resources of
        // scanned files.
        let in_scope = graph.scope_mask();
        let by_type = inventory::indices_by_type(graph);
        let examined: Vec<Vec<usize>> = rules
            .iter()
            .map(|rule| {
                let mut idx: Vec<usize> = if rule.resource_types.iter().any(|t| t == "*") {
                    (0..graph.resources.len()).collect()
                } else {
                    rule.resource_types
                        .iter()
                        .flat_map(|t| by_type.get(t.as_str()).into_iter().flatten().copied())
                        .collect()
                };
                idx.retain(|&i| {
                    in_scope[i]
                        && (!rule.live_only
                            || graph.resources[i].origin == crate::graph::Origin::Live)
                });
                idx.sort_unstable();
                idx.dedup();
                idx
            })
            .collect();
        let groups = groups(graph, opts.group_size);
        let threads = rayon::current_num_threads().max(1);
        // Work items (group, unit, batch) in group order, and the units: their members, each unit
        // once however many groups it has batches in.
        let mut items: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        let mut unit_members: Vec<Vec<usize>> = Vec::new();
        let mut unit_of: HashMap<Vec<usize>, usize> = HashMap::new();
        for (gi, range) in groups.iter().enumerate() {
            let local: Vec<&[usize]> = examined
                .iter()
                .map(|idx| {
                    let from = idx.partition_point(|&i| i < range.start);
                    let to = idx.partition_point(|&i| i < range.end);
                    &idx[from..to]
                })
                .collect();
            for unit in units(rules, &local, opts.together, self.keep_engines) {
                let idx = local[unit.members[0]];
                // A unit of several rules is one evaluation per batch: smaller batches (six per
                // worker; measured against two and twelve on the Kubernetes corpus) keep every
                // worker busy to the end.
                let size = if unit.members.len() > 1 {
                    idx.len()
                        .div_ceil(6 * threads)
                        .clamp(16, opts.batch_size.max(16))
                } else {
                    opts.batch_size.max(1)
                };
                let next = unit_members.len();
                let ui = *unit_of.entry(unit.members.clone()).or_insert(next);
                if ui == next {
                    unit_members.push(unit.members);
                }
                for chunk in idx.chunks(size) {
                    items.push((gi, ui, chunk.to_vec()));
                }
            }
        }

        // Each unit's engine is prepared once, by the first worker that needs it; every batch
        // evaluates in a clone (reference counts). The prepared engine is dropped when the unit's
        // last batch is done, or kept for the next graph with `keep_engines`.
        let prepared: Vec<EngineSlot> = unit_members.iter().map(|m| self.slot(m)).collect();
        let mut batches_left: Vec<AtomicUsize> =
            unit_members.iter().map(|_| AtomicUsize::new(0)).collect();
        for (_, ui, _) in &items {
            *batches_left[*ui].get_mut() += 1;
        }
        let evaluate_item =
            |batch_of: &GroupValues<'_>, ui: usize, batch: &[usize]| -> Vec<ItemResult> {
                let started = std::time::Instant::now();
                let members = unit_members[ui].as_slice();
                let mut engine = {
                    // Held while the engine is prepared: the unit's other batches wait for it.
                    let mut slot = prepared[ui].lock().unwrap_or_else(PoisonError::into_inner);
                    slot.get_or_insert_with(|| match members {
                        [ri] => self.prepare(rules[*ri]),
                        members => {
                            let members: Vec<&RuleMeta> =
                                members.iter().map(|&ri| rules[ri]).collect();
                            group_engine(policies, &members)
                                .and_then(|e| self.load(e, members.len(), GROUP_RESULTS))
                        }
                    })
                    .clone()
                };
                let mut results: Vec<ItemResult> =
                    members.iter().map(|&ri| ItemResult::new(ri)).collect();
                match (&mut engine, members) {
                    (Ok(engine), [ri]) => {
                        evaluate_batch(engine, rules[*ri], batch_of, batch, &mut results[0]);
                    }
                    (Err(message), [_]) => results[0].errors.push((None, message.clone())),
                    (engine, members) => {
                        let together = engine
                            .as_mut()
                            .map_err(|e| e.clone())
                            .and_then(|e| evaluate_together(e, rules, members, batch_of, batch));
                        match together {
                            Ok(parts) => {
                                for (result, parts) in results.iter_mut().zip(parts) {
                                    result.absorb(parts);
                                }
                            }
                            // One rule failed (or the unit's engine could not be built): each rule
                            // again in its own engine, so the error is that rule's and the others'
                            // results stand.
                            Err(_) => {
                                for (result, &ri) in results.iter_mut().zip(members) {
                                    match self.prepare(rules[ri]) {
                                        Ok(mut engine) => {
                                            evaluate_batch(
                                                &mut engine,
                                                rules[ri],
                                                batch_of,
                                                batch,
                                                result,
                                            );
                                        }
                                        Err(e) => result.errors.push((None, e)),
                                    }
                                }
                            }
                        }
                    }
                }
                drop(engine);
                if batches_left[ui].fetch_sub(1, Ordering::AcqRel) == 1 && !self.keep_engines {
                    // The unit's last batch: no batch will ask for its engine again.
                    drop(
                        prepared[ui]
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .take(),
                    );
                }
                // Rules evaluated together share their time equally.
                let share = started.elapsed() / u32::try_from(results.len()).unwrap_or(1);
                for result in &mut results {
                    result.elapsed = share;
                }
                results
            };

        let mut results: Vec<ItemResult> = Vec::new();
        let mut rest = items.as_slice();
        for (gi, range) in groups.iter().enumerate() {
            let n = rest.partition_point(|(g, _, _)| *g == gi);
            let (here, later) = rest.split_at(n);
            rest = later;
            if here.is_empty() {
                continue;
            }
            let group_values = values.views(graph, range.clone());
            let inventory = inventory::data(&graph.resources[range.clone()], &group_values);
            let batch_of = GroupValues {
                values: &group_values,
                offset: range.start,
                inventory: Some(&inventory),
            };
            results.par_extend(
                here.par_iter()
                    .flat_map_iter(|(_, ui, batch)| evaluate_item(&batch_of, *ui, batch)),
            );
            // Freed by the workers (one value at a time on this thread, it was a twentieth of a
            // Bicep scan's wall time).
            rayon::join(
                || drop(inventory),
                || group_values.into_par_iter().for_each(drop),
            );
        }
        // What evaluation needed goes before findings are made.
        values.0.into_par_iter().for_each(drop);
        drop((prepared, items));
        crate::memory::release_freed();

        let ids = index_by_id(graph);
        let mut gathered: Vec<Gathered> = examined
            .into_iter()
            .map(|examined| Gathered {
                examined,
                ..Gathered::default()
            })
            .collect();
        for r in results {
            let g = &mut gathered[r.rule];
            g.elapsed += r.elapsed;
            g.deny.extend(r.deny);
            g.undetermined.extend(r.undetermined);
            g.errors.extend(r.errors);
        }
        for (rule, g) in rules.iter().zip(gathered) {
            conclude(rule, graph, &ids, &in_scope, g, &mut outcome);
        }
        outcome.sort();
        outcome
    }
}

/// Resources in one evaluation group ([`EvalOptions::group_size`]): a few thousand keep each
/// group's preparation (views, inventory, one parallel pass) small against its evaluation,
/// and the values held at once a small share of a large scan.
const GROUP_RESOURCES: usize = 2048;

/// The evaluation groups of `graph` (sorted by id): contiguous ranges, each evaluated with a
/// `data.inventory` of its own resources, and closed once they hold `size` resources or more.
/// Groups end only between Bicep deployments: a Bicep root template's resources (every
/// expansion of it, whatever its parameter file) are in one group, whose inventory then holds
/// whole deployments and never part of one. Other resources are never split: rules of
/// Terraform, Kubernetes, ARM and live inventory read across the scan (a Kubernetes network
/// policy and the pods it selects, a Terraform module's resources by name), so each
/// contiguous run of them is one group.
fn groups(graph: &ResourceGraph, size: usize) -> Vec<Range<usize>> {
    // The deployment of a Bicep resource: its id up to its root template (`bicep:<root
    // template>/`); one key for every other resource.
    fn key(r: &Resource) -> Option<&str> {
        if r.origin != crate::graph::Origin::Bicep {
            return None;
        }
        const END: &str = ".bicep/";
        Some(match r.id.find(END) {
            Some(at) => &r.id[..at + END.len()],
            None => &r.id,
        })
    }
    let resources = &graph.resources;
    let mut groups = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < resources.len() {
        let k = key(&resources[i]);
        if i - start >= size.max(1) {
            groups.push(start..i);
            start = i;
        }
        i += 1;
        while i < resources.len() && key(&resources[i]) == k {
            i += 1;
        }
    }
    if start < resources.len() {
        groups.push(start..resources.len());
    }
    groups
}

/// Rules evaluated together, in one engine and one evaluation per batch: they share the
/// helpers of their libraries (`lib.kubernetes.all_containers` is computed once per batch
/// instead of once per rule). Members have the same resources to examine.
struct Unit {
    /// Indices into the evaluated rules, in order.
    members: Vec<usize>,
}

/// What the rules of one unit have in common besides their platform.
#[derive(PartialEq, Eq, Hash)]
enum Common<'a> {
    /// The resources they examine in this graph.
    Examined(&'a [usize]),
    /// The resource types they declare (and whether live only): the same units in every
    /// graph, so that their prepared engines serve the next graphs.
    Types(&'a [String], bool),
}

/// The units of `rules`: with `together`, the rules of one platform that examine the same
/// resources form one unit (with `by_types`, the rules of one platform that declare the same
/// resource types); otherwise each rule is its own.
fn units(rules: &[&RuleMeta], examined: &[&[usize]], together: bool, by_types: bool) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut by_key: HashMap<(&str, Common<'_>), usize> = HashMap::new();
    for (ri, rule) in rules.iter().enumerate() {
        if examined[ri].is_empty() {
            continue;
        }
        let common = if by_types {
            Common::Types(&rule.resource_types, rule.live_only)
        } else {
            Common::Examined(examined[ri])
        };
        let key = (rule.platform(), common);
        match by_key.get(&key) {
            Some(&u) if together => units[u].members.push(ri),
            _ => {
                by_key.insert(key, units.len());
                units.push(Unit { members: vec![ri] });
            }
        }
    }
    units
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
