//! A policy set held ready for many small evaluations: the admission webhook evaluates one
//! object per request, thousands of times, on the same rules.
//!
//! [`super::evaluate`] is built for one large graph: it loads the graph into `data.inventory`,
//! which makes regorus analyse every module again (~30 ms), then prepares an engine for
//! each rule or unit of rules. Neither suits a request that carries one object. A [`Resident`] is prepared
//! once: the rules, their libraries, the configuration data and one generated *aggregate*
//! rule per resource type (each applicable rule's id → `{"deny": <its deny set>}`, written by
//! the same [`super::aggregate_rule`] as the scan's units), so
//! that one evaluation runs every rule of the object's type and computes the helpers they
//! share (`lib.kubernetes.workloads`) once. Each call clones the prepared engine (reference
//! counts) and sets only the input. The graph is not in `data.inventory`: rules that need
//! other objects are not admission rules (`custom.admission: false`).
//!
//! When the aggregate fails (one rule errors), the rules of that type are evaluated one by
//! one, so the error is attributed to its rule and the others still count, as in
//! [`super::evaluate`].

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::time::Duration;

use super::{
    Gathered, GroupValues, Outcome, Raw, aggregate_rule, batch_input, conclude, read_aggregate,
    run_rule,
};
use crate::graph::ResourceGraph;
use crate::policy::{PolicySet, RuleMeta};

/// A rule's `deny` elements: the well-formed ones, and an error per malformed one.
type Elements = (Vec<Raw>, Vec<String>);

/// The package of the generated aggregate rules.
const PACKAGE: &str = "tenet_resident";

/// Rules prepared for repeated evaluation on small graphs.
#[derive(Clone)]
pub struct Resident {
    engine: regorus::Engine,
    rules: Vec<RuleMeta>,
    /// Resource type → (aggregate rule path, indices into `rules`).
    by_type: BTreeMap<String, (String, Vec<usize>)>,
    /// Rules for every type (`resource_types: ["*"]`).
    any_type: Vec<usize>,
    /// Aggregate over `any_type` only, for types no rule names.
    any_path: Option<String>,
}

impl std::fmt::Debug for Resident {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resident")
            .field("rules", &self.rules.len())
            .field("types", &self.by_type.len())
            .finish()
    }
}

impl Resident {
    /// Prepares `rules` (a selection of `policies.rules`). `timeout` bounds one evaluation.
    pub fn new(
        policies: &PolicySet,
        rules: &[&RuleMeta],
        timeout: Duration,
    ) -> Result<Resident, String> {
        let rules: Vec<RuleMeta> = rules.iter().map(|r| (*r).clone()).collect();
        let any_type: Vec<usize> = (0..rules.len())
            .filter(|&i| rules[i].resource_types.iter().any(|t| t == "*"))
            .collect();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, rule) in rules.iter().enumerate() {
            for t in rule.resource_types.iter().filter(|t| *t != "*") {
                groups.entry(t.clone()).or_default().push(i);
            }
        }
        let mut source = format!("package {PACKAGE}\n\nimport rego.v1\n");
        let mut aggregate = |name: &str, members: &[usize]| {
            source.push_str(&aggregate_rule(
                name,
                members.iter().map(|&i| &rules[i]),
                false,
            ));
            format!("data.{PACKAGE}.{name}")
        };
        let mut by_type = BTreeMap::new();
        for (n, (t, mut members)) in groups.into_iter().enumerate() {
            members.extend(&any_type);
            members.sort_unstable();
            members.dedup();
            let path = aggregate(&format!("t{n}"), &members);
            by_type.insert(t, (path, members));
        }
        let any_path = (!any_type.is_empty()).then(|| aggregate("any", &any_type));

        let mut engine = policies.combined_engine();
        engine
            .add_policy(format!("{PACKAGE}.rego"), source)
            .map_err(|e| format!("cannot build the aggregate rules: {e}"))?;
        engine
            .add_data(policies.config_data())
            .map_err(|e| format!("cannot load the configuration data: {e}"))?;
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: timeout,
            check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
        });
        // Prepare (analyse) once, on an empty batch; clones share the analysis.
        engine.set_input(batch_input(&GroupValues::EMPTY, &[]));
        for path in by_type.values().map(|(p, _)| p).chain(any_path.iter()) {
            let _ = engine.eval_rule(path.clone());
        }
        Ok(Resident {
            engine,
            rules,
            by_type,
            any_type,
            any_path,
        })
    }

    /// The prepared rules.
    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    /// The rules that apply to a resource type.
    pub fn rules_for(&self, resource_type: &str) -> impl Iterator<Item = &RuleMeta> {
        self.group(resource_type)
            .map(|(_, members)| members.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.rules[i])
    }

    fn group(&self, resource_type: &str) -> Option<(&String, &Vec<usize>)> {
        match self.by_type.get(resource_type) {
            Some((path, members)) => Some((path, members)),
            None => self.any_path.as_ref().map(|p| (p, &self.any_type)),
        }
    }

    /// Evaluates the applicable rules on every resource of `graph` (all are in scope).
    /// Findings and errors come out in the same form and order as from [`super::evaluate`].
    pub fn evaluate(&self, graph: &ResourceGraph) -> Outcome {
        let values = super::RuleValues::of(graph).views(
            graph,
            0..graph.resources.len(),
            &crate::graph::ReadTypes::default(),
        );
        let group = GroupValues {
            values: &values,
            ..GroupValues::EMPTY
        };
        // Resources by type, each type evaluated with its aggregate.
        let mut types: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in graph.resources.iter().enumerate() {
            types.entry(r.resource_type.as_str()).or_default().push(i);
        }
        // What each rule produced, by rule index (in rule order).
        let mut gathered: BTreeMap<usize, Gathered> = BTreeMap::new();
        let mut engine = self.engine.clone();
        for (t, batch) in &types {
            let Some((path, members)) = self.group(t) else {
                continue;
            };
            for &ri in members {
                gathered.entry(ri).or_default().examined.extend(batch);
            }
            engine.set_input(batch_input(&group, batch));
            let mut absorb = |ri: usize, (raws, bad): Elements| {
                let g = gathered.entry(ri).or_default();
                g.deny.extend(raws);
                g.errors.extend(bad.into_iter().map(|e| (None, e)));
            };
            match self.aggregate(&mut engine, path, members) {
                Ok(results) => {
                    for (ri, elements) in results {
                        absorb(ri, elements);
                    }
                }
                // One rule failed: find which, and keep the others' results.
                Err(_) => {
                    for &ri in members {
                        let path = format!("data.{}.deny", self.rules[ri].package);
                        match run_rule(&mut engine, &path) {
                            Ok(elements) => absorb(ri, elements),
                            Err(e) => absorb(ri, (Vec::new(), vec![e])),
                        }
                    }
                }
            }
        }
        let ids = super::index_by_id(graph);
        let in_scope = vec![true; graph.resources.len()];
        let mut outcome = Outcome::default();
        for (ri, g) in gathered {
            conclude(&self.rules[ri], graph, &ids, &in_scope, g, &mut outcome);
        }
        outcome.sort();
        outcome
    }

    /// One evaluation of an aggregate: each member's `deny` elements and malformed elements.
    fn aggregate(
        &self,
        engine: &mut regorus::Engine,
        path: &str,
        members: &[usize],
    ) -> Result<Vec<(usize, Elements)>, String> {
        let value = engine
            .eval_rule(path.to_string())
            .map_err(|e| e.to_string())?;
        let parts = read_aggregate(
            &value,
            path,
            members.iter().map(|&ri| &self.rules[ri]),
            false,
        )?;
        Ok(members
            .iter()
            .zip(parts)
            .map(|(&ri, (deny, _, bad))| (ri, (deny, bad)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::kubernetes;

    fn graph(text: &str) -> ResourceGraph {
        let mut g = kubernetes::load("review", text, false);
        kubernetes::link(&mut g.resources);
        g.normalize();
        g
    }

    fn kubernetes_rules(set: &PolicySet) -> Vec<&RuleMeta> {
        set.rules
            .iter()
            .filter(|r| r.platform() == "kubernetes" && r.admission)
            .collect()
    }

    /// The resident evaluation finds exactly what the scan's evaluation finds.
    #[test]
    fn agrees_with_the_scan_evaluation() {
        let set = PolicySet::load(&[], true).expect("built-in policies load");
        let rules = kubernetes_rules(&set);
        let resident = Resident::new(&set, &rules, Duration::from_secs(10)).expect("prepares");
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n\
                    spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n\
                    \x20       - name: app\n          image: nginx\n          securityContext: {privileged: true}\n";
        let g = graph(text);
        let expected = super::super::evaluate(&set, &rules, &g, &Default::default());
        let got = resident.evaluate(&g);
        assert!(got.errors.is_empty(), "{:?}", got.errors);
        assert!(got.findings.len() >= 3, "{:?}", got.findings);
        assert_eq!(got.findings, expected.findings);
        let examined = |o: &Outcome| -> Vec<(String, usize)> {
            o.runs
                .iter()
                .filter(|r| !r.examined.is_empty())
                .map(|r| (r.rule_id.clone(), r.failed))
                .collect()
        };
        assert_eq!(examined(&got), examined(&expected));
    }

    /// On every Kubernetes rule fixture (fail and pass cases), an admission rule finds exactly
    /// what the scan finds, without the rest of the graph in `data.inventory`: the check
    /// that `custom.admission` is right for every built-in rule.
    #[test]
    fn agrees_on_every_kubernetes_rule_fixture() {
        let set = PolicySet::load(&[], true).expect("built-in policies load");
        let rules = kubernetes_rules(&set);
        let resident = Resident::new(&set, &rules, Duration::from_secs(10)).expect("prepares");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
        let mut files = 0;
        let mut findings = 0;
        for entry in ignore::WalkBuilder::new(&root).build().flatten() {
            let path = entry.path();
            let in_k8s = path.components().any(|c| c.as_os_str() == "kubernetes");
            if !in_k8s || !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(path).expect("fixture");
            let g = graph(&text);
            let expected = super::super::evaluate(&set, &rules, &g, &Default::default());
            let got = resident.evaluate(&g);
            assert_eq!(got.findings, expected.findings, "{}", path.display());
            assert!(
                got.errors.is_empty(),
                "{}: {:?}",
                path.display(),
                got.errors
            );
            files += 1;
            findings += got.findings.len();
        }
        assert!(files >= 50, "{files} fixture files");
        assert!(findings >= 50, "{findings} findings");
    }

    /// A rule that fails to evaluate is reported as that rule's error; the others still count.
    #[test]
    fn a_failing_rule_costs_only_itself() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("boom.rego"),
            "# METADATA\n# title: Boom\n# description: Fails on purpose.\n# custom:\n\
             #   id: k8s-boom\n#   severity: low\n#   resource_types: [v1/Pod]\n\
             #   remediation: None.\npackage rules.kubernetes.boom\n\nimport rego.v1\n\n\
             deny contains x if {\n\tsome r in input.resources\n\tx := {\"resource_id\": r.id, \
             \"message\": sprintf(\"%d\", [to_number(r.name)])}\n}\n",
        )
        .expect("write");
        let set = PolicySet::load(&[dir.path().to_path_buf()], true).expect("policies load");
        let rules = kubernetes_rules(&set);
        let resident = Resident::new(&set, &rules, Duration::from_secs(10)).expect("prepares");
        let g = graph(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec:\n  containers:\n  - {name: c, image: x, securityContext: {privileged: true}}\n",
        );
        let got = resident.evaluate(&g);
        assert_eq!(got.errors.len(), 1, "{:?}", got.errors);
        assert_eq!(got.errors[0].rule_id, "k8s-boom");
        assert!(
            got.findings
                .iter()
                .any(|f| f.rule_id == "k8s-privileged-container")
        );
    }
}
