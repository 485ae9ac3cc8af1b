//! The evaluator: rules in units, the graph in groups, each group's resources in batches,
//! on prepared engines (kept across graphs when a scan evaluates several).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;
use regorus::Value;

use super::{
    EvalOptions, GROUP_RESULTS, GroupValues, ItemResult, Outcome, RuleValues, batch_input,
    conclude_all, evaluate_batch, evaluate_together, group_engine, index_by_id, inventory,
};
use crate::graph::{ReadTypes, Resource, ResourceGraph};
use crate::policy::{PolicySet, RuleMeta};

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

/// Rules in one platform engine ([`Evaluator::platform_engine`]) at most. regorus resolves
/// each `data` reference by walking every module of the engine, so each rule costs every
/// other rule of its engine a little: 27 Azure rules in one engine cost no measurable time,
/// 143 modules in one engine made the Kubernetes part five times slower.
const PLATFORM_ENGINE_RULES: usize = 32;

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
    /// With `keep_engines`, the prepared engines of each platform's rules (by platform and
    /// run of rules), which units of one rule evaluate in ([`Evaluator::platform_engine`]).
    platform_engines: Mutex<HashMap<(String, usize), EngineSlot>>,
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
            platform_engines: Mutex::new(HashMap::new()),
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

    /// An engine of one rule (the libraries and that rule), prepared. With `keep_engines`,
    /// a clone of the prepared engine of its platform's rules ([`Self::platform_engine`]), if
    /// that one builds.
    fn prepare(&self, rule: &RuleMeta) -> Result<regorus::Engine, String> {
        if self.keep_engines
            && let Some(engine) = self.platform_engine(rule)
        {
            return Ok(engine);
        }
        let engine = self.policies.rule_engine(&rule.package)?;
        self.load(engine, 1, &format!("data.{}.deny", rule.package))
    }

    /// The prepared engine of the evaluated rules of `rule`'s platform (in runs of at most
    /// [`PLATFORM_ENGINE_RULES`], in rule order) with their libraries, made once; `None` if
    /// it does not build (a rule that does not parse), and each of those rules then gets an
    /// engine of its own, which reports the error as that rule's.
    ///
    /// One rule's evaluation reads only its own package, so it gives the same results in
    /// either engine. Scans that evaluate several graphs keep their engines to the end: one
    /// per platform instead of one per rule held 5 of the Bicep part's 62 MiB.
    fn platform_engine(&self, rule: &RuleMeta) -> Option<regorus::Engine> {
        let platform = rule.platform();
        let peers: Vec<&RuleMeta> = self
            .rules
            .iter()
            .copied()
            .filter(|r| r.platform() == platform)
            .collect();
        let at = peers.iter().position(|r| r.package == rule.package)?;
        let run = at / PLATFORM_ENGINE_RULES;
        let slot = self
            .platform_engines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((platform.to_string(), run))
            .or_default()
            .clone();
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let prepared = slot.get_or_insert_with(|| {
            let members = peers
                .chunks(PLATFORM_ENGINE_RULES)
                .nth(run)
                .unwrap_or_default();
            let packages: Vec<&str> = members.iter().map(|r| r.package.as_str()).collect();
            let engine = self
                .policies
                .group_engine(&packages, None)
                .ok_or_else(|| format!("the rules of {platform} do not all parse"))?;
            self.load(engine, 1, &format!("data.{}.deny", rule.package))
        });
        prepared.as_ref().ok().cloned()
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
        self.evaluate_reading(graph, values, &ReadTypes::default())
    }

    /// [`Self::evaluate`], rules seeing only the resources of the types `reads` keeps in
    /// `data.inventory` (the rules' own batches are of their own types, which it keeps).
    pub fn evaluate_reading(
        &self,
        graph: &ResourceGraph,
        values: RuleValues,
        reads: &ReadTypes,
    ) -> Outcome {
        let (policies, rules, opts) = (self.policies, self.rules, self.opts);

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
            let group_values = values.views(graph, range.clone(), reads);
            let inventory = inventory::data(&graph.resources[range.clone()], &group_values);
            let batch_of = GroupValues {
                values: &group_values,
                offset: range.start,
                inventory: Some(&inventory),
            };
            results.par_extend(
                here.par_iter()
                    .with_max_len(1)
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
        let mut by_rule: Vec<Vec<ItemResult>> = rules.iter().map(|_| Vec::new()).collect();
        for r in results {
            by_rule[r.rule].push(r);
        }
        let work = rules
            .iter()
            .zip(examined)
            .zip(by_rule)
            .map(|((&rule, examined), results)| (rule, examined, results))
            .collect();
        conclude_all(graph, &ids, &in_scope, work)
    }
}

/// Resources in one evaluation group ([`EvalOptions::group_size`]): a few thousand keep each
/// group's preparation (views, inventory, one parallel pass) small against its evaluation,
/// and the values held at once a small share of a large scan.
pub(super) const GROUP_RESOURCES: usize = 2048;

/// The evaluation groups of `graph` (sorted by id): contiguous ranges, each evaluated with a
/// `data.inventory` of its own resources, and closed once they hold `size` resources or more.
/// Groups end only between Bicep deployments: a Bicep root template's resources (every
/// expansion of it, whatever its parameter file) are in one group, whose inventory then holds
/// whole deployments and never part of one. Other resources are never split: rules of
/// Terraform, Kubernetes, ARM and live inventory read across the scan (a Kubernetes network
/// policy and the pods it selects, a Terraform module's resources by name), so each
/// contiguous run of them is one group.
pub(super) fn groups(graph: &ResourceGraph, size: usize) -> Vec<Range<usize>> {
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
pub(super) struct Unit {
    /// Indices into the evaluated rules, in order.
    pub(super) members: Vec<usize>,
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
pub(super) fn units(
    rules: &[&RuleMeta],
    examined: &[&[usize]],
    together: bool,
    by_types: bool,
) -> Vec<Unit> {
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
