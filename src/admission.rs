//! Admission reviews: one Kubernetes object, as the API server sends it to a validating
//! webhook, judged by the same loader, rules and exceptions as a scan.
//!
//! A review is parsed from AdmissionReview v1 JSON ([`parse`]); its object goes through the
//! Kubernetes loader as if it were a file (`kubernetes:admission/<namespace>/<kind>/<name>`
//! is its resource id, so exceptions written for scans can name it with a glob), and the
//! admission rules of its type are evaluated by a [`Resident`] engine. Each violation then
//! takes the mode of its rule: `enforce` denies, `warn` admits with a warning, `audit` admits
//! and is only logged. What is not judged is admitted: DELETE and CONNECT, subresources
//! (status updates, scale) other than `ephemeralcontainers`, excluded namespaces (by default
//! `kube-system`) and objects matching the exclusion label selector.
//!
//! This module is synchronous and knows nothing of HTTP: the server (`crate::serve`) calls
//! it on a blocking thread under the review deadline.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use kube_core::DynamicObject;
use kube_core::admission::{AdmissionRequest, AdmissionResponse, AdmissionReview, Operation};
use serde_json::Value as Json;

use crate::config::{AdmissionConfig, EnforcementMode, LabelSelector, Loaded, OnError};
use crate::engine::RuleError;
use crate::engine::resident::Resident;
use crate::finding::Finding;
use crate::graph::ResourceGraph;
use crate::load::kubernetes;
use crate::policy::PolicySet;
use crate::suppress::{self, Exceptions};

/// Longest warning Kubernetes passes on intact (kubectl shows each on its own line).
pub const MAX_WARNING_CHARS: usize = 120;
/// Most warning text, in all, one response carries.
pub const MAX_WARNINGS_BYTES: usize = 4096;
/// The file name resources of reviews are loaded under (part of their ids).
pub const DISPLAY: &str = "admission";
/// Default review deadline: below the webhook's `timeoutSeconds` so that tenet, not the API
/// server, decides what a slow review means.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(3);

/// A review that cannot be answered: HTTP 400 with this message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadReview(pub String);

/// Parses an AdmissionReview v1 body.
pub fn parse(body: &[u8]) -> Result<AdmissionRequest<DynamicObject>, BadReview> {
    let review: AdmissionReview<DynamicObject> = match serde_json::from_slice(body) {
        Ok(r) => r,
        Err(e) => {
            // Another version is named as such rather than by a field of its own shape that
            // failed to parse (read only on this error path, not for every review).
            #[derive(serde::Deserialize)]
            #[serde(rename_all = "camelCase")]
            struct Head {
                #[serde(default)]
                api_version: String,
                #[serde(default)]
                kind: String,
            }
            if let Ok(head) = serde_json::from_slice::<Head>(body)
                && head.kind == "AdmissionReview"
                && let Err(wrong) = check_version(&head.api_version)
            {
                return Err(wrong);
            }
            return Err(BadReview(format!(
                "the body is not an AdmissionReview: {e} (line {}, column {})",
                e.line(),
                e.column()
            )));
        }
    };
    if review.types.kind != "AdmissionReview" {
        return Err(BadReview(format!(
            "expected kind AdmissionReview, got `{}`",
            review.types.kind
        )));
    }
    check_version(&review.types.api_version)?;
    let request: AdmissionRequest<DynamicObject> = review
        .try_into()
        .map_err(|_| BadReview("the AdmissionReview has no `request`".into()))?;
    if request.uid.is_empty() {
        return Err(BadReview("the request has an empty `uid`".into()));
    }
    if matches!(request.operation, Operation::Create | Operation::Update)
        && request.object.is_none()
    {
        return Err(BadReview(format!(
            "a {:?} request needs an `object`",
            request.operation
        )));
    }
    Ok(request)
}

fn check_version(api_version: &str) -> Result<(), BadReview> {
    if api_version == "admission.k8s.io/v1" {
        return Ok(());
    }
    Err(BadReview(format!(
        "expected apiVersion admission.k8s.io/v1, got `{api_version}` (configure the webhook \
         with admissionReviewVersions: [v1])"
    )))
}

/// Where the webhook's policies and settings come from; read again on reload.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `.tenet.yaml` (its `admission:` section, rules, params, frameworks, exceptions).
    pub config: Option<PathBuf>,
    /// Exceptions file; overrides the configuration's.
    pub exceptions: Option<PathBuf>,
    pub policy_dirs: Vec<PathBuf>,
    pub no_builtin: bool,
    /// Overrides the configuration's `frameworks`.
    pub frameworks: Vec<String>,
    /// Overrides `admission.mode`.
    pub mode: Option<EnforcementMode>,
    /// Overrides `admission.on_error`.
    pub on_error: Option<OnError>,
    /// Overrides `admission.deadline_ms`.
    pub deadline: Option<Duration>,
}

/// The judged result of one review.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub response: AdmissionResponse,
    pub decision: Decision,
    /// Violations not covered by an exception, with the mode that applied.
    pub violations: Vec<(EnforcementMode, Finding)>,
    /// Violations an exception covers: `(rule id, exception source)`.
    pub excepted: Vec<(String, String)>,
    pub errors: Vec<RuleError>,
}

impl Verdict {
    /// An answer with nothing found (yet).
    fn new(response: AdmissionResponse, decision: Decision) -> Verdict {
        Verdict {
            response,
            decision,
            violations: Vec::new(),
            excepted: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// What became of a review, for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Judged, nothing to say.
    Allowed,
    /// Admitted with warnings (warn-mode violations, or an error under `on_error: allow`).
    Warned,
    /// Denied.
    Denied,
    /// Not judged: operation, subresource or a type without rules.
    Skipped,
    /// Not judged: namespace or label exclusion.
    Excluded,
    /// The review could not be completed; answered by `on_error`.
    Failed,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Warned => "warned",
            Decision::Denied => "denied",
            Decision::Skipped => "skipped",
            Decision::Excluded => "excluded",
            Decision::Failed => "failed",
        }
    }
}

/// The loaded policies and settings that judge reviews.
#[derive(Debug)]
pub struct Reviewer {
    resident: Resident,
    modes: BTreeMap<String, EnforcementMode>,
    exclude_namespaces: globset::GlobSet,
    exclude_selector: Option<LabelSelector>,
    pub on_error: OnError,
    pub deadline: Duration,
    exceptions: Option<Exceptions>,
}

impl Reviewer {
    /// Loads policies, configuration and exceptions. Every problem is returned, each naming
    /// its file and line.
    pub fn load(sources: &Sources) -> Result<Reviewer, Vec<String>> {
        let all = |e: &dyn std::fmt::Display| vec![e.to_string()];
        let config = match &sources.config {
            Some(p) => Loaded::read(p, p.display().to_string()).map_err(|e| all(&e))?,
            None => Loaded::default(),
        };
        let mut policies = PolicySet::load(
            &config.policy_dirs(&sources.policy_dirs),
            !sources.no_builtin,
        )
        .map_err(|es| es.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let frameworks = config.frameworks_or(&sources.frameworks);
        let enabled = config
            .apply(&mut policies, &frameworks)
            .map_err(|es| es.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let settings = config.config.admission.clone().unwrap_or_default();
        let rules: Vec<_> = policies
            .rules
            .iter()
            .filter(|r| enabled.contains(&r.id) && r.platform() == "kubernetes" && r.admission)
            .collect();
        let modes = rule_modes(&config, &settings, sources.mode, &policies)?;
        let modes: BTreeMap<String, EnforcementMode> =
            rules.iter().map(|r| (r.id.clone(), modes(&r.id))).collect();
        let mut globs = globset::GlobSetBuilder::new();
        for ns in settings
            .exclude_namespaces
            .clone()
            .unwrap_or_else(|| vec!["kube-system".to_string()])
        {
            let glob = globset::Glob::new(&ns).map_err(|e| {
                vec![
                    config
                        .error_at(&ns, format!("invalid namespace pattern `{ns}`: {e}"))
                        .to_string(),
                ]
            })?;
            globs.add(glob);
        }
        let exclude_namespaces = globs.build().map_err(|e| all(&e))?;
        if let Some(problem) = settings.exclude_selector.as_ref().and_then(|s| s.problem()) {
            return Err(vec![
                config
                    .error_at("exclude_selector", format!("exclude_selector: {problem}"))
                    .to_string(),
            ]);
        }
        let deadline = sources
            .deadline
            .or(settings.deadline_ms.map(Duration::from_millis))
            .unwrap_or(DEFAULT_DEADLINE);
        let exceptions_path = config.path_or(
            sources.exceptions.as_ref(),
            config.config.exceptions.as_ref(),
        );
        let exceptions = match &exceptions_path {
            Some(p) => Some(Exceptions::read(p, &p.display().to_string()).map_err(|e| all(&e))?),
            None => None,
        };
        let resident = Resident::new(&policies, &rules, deadline).map_err(|e| vec![e])?;
        Ok(Reviewer {
            resident,
            modes,
            exclude_namespaces,
            exclude_selector: settings.exclude_selector,
            on_error: sources
                .on_error
                .or(settings.on_error)
                .unwrap_or(OnError::Deny),
            deadline,
            exceptions,
        })
    }

    /// Number of admission rules.
    pub fn rule_count(&self) -> usize {
        self.modes.len()
    }

    /// Number of admission rules per mode.
    pub fn rules_per_mode(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for m in self.modes.values() {
            *counts.entry(m.as_str()).or_insert(0) += 1;
        }
        counts
    }

    /// Judges a parsed request.
    pub fn review(&self, request: &AdmissionRequest<DynamicObject>) -> Verdict {
        let admit = |decision| Verdict::new(AdmissionResponse::from(request), decision);
        if !matches!(request.operation, Operation::Create | Operation::Update) {
            return admit(Decision::Skipped);
        }
        if request
            .sub_resource
            .as_deref()
            .is_some_and(|s| s != "ephemeralcontainers")
        {
            return admit(Decision::Skipped);
        }
        let Some(object) = object_json(request) else {
            return admit(Decision::Skipped);
        };
        let namespace = request.namespace.as_deref().unwrap_or_default();
        if !namespace.is_empty() && self.exclude_namespaces.is_match(namespace) {
            return admit(Decision::Excluded);
        }
        if let Some(selector) = &self.exclude_selector {
            let labels: BTreeMap<String, String> = object
                .pointer("/metadata/labels")
                .and_then(Json::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
            if selector.matches(&labels) {
                return admit(Decision::Excluded);
            }
        }
        let graph = load_object(&object);
        if let Some(e) = graph.errors.first() {
            return self.failed(
                request,
                format!("the object could not be loaded: {}", e.message),
            );
        }
        let Some(resource) = graph.resources.first() else {
            return admit(Decision::Skipped);
        };
        if self
            .resident
            .rules_for(&resource.resource_type)
            .next()
            .is_none()
        {
            return admit(Decision::Skipped);
        }
        let mut outcome = self.resident.evaluate(&graph);
        let mut undetermined = Vec::new();
        suppress::apply(
            &graph,
            &mut outcome.findings,
            &mut undetermined,
            &suppress::Options {
                inline: false,
                exceptions: self.exceptions.as_ref(),
                baseline: None,
                today: suppress::today(),
                known_rules: Default::default(),
                base: PathBuf::new(),
            },
        );
        let mut verdict = admit(Decision::Allowed);
        for f in outcome.findings {
            match &f.suppression {
                Some(s) => verdict.excepted.push((f.rule_id.clone(), s.source.clone())),
                None => {
                    let mode = self
                        .modes
                        .get(&f.rule_id)
                        .copied()
                        .unwrap_or(EnforcementMode::Enforce);
                    verdict.violations.push((mode, f));
                }
            }
        }
        verdict.errors = outcome.errors;
        let subject = subject(request, resource.resource_type.as_str());
        let enforced: Vec<&Finding> = verdict
            .violations
            .iter()
            .filter(|(m, _)| *m == EnforcementMode::Enforce)
            .map(|(_, f)| f)
            .collect();
        let mut warnings: Vec<String> = verdict
            .violations
            .iter()
            .filter(|(m, _)| *m == EnforcementMode::Warn)
            .map(|(_, f)| format!("[{}] {}", f.rule_id, f.message))
            .collect();
        if !verdict.errors.is_empty() {
            let ids: Vec<&str> = verdict.errors.iter().map(|e| e.rule_id.as_str()).collect();
            let what = format!("tenet could not evaluate {}", ids.join(", "));
            if self.on_error == OnError::Deny && enforced.is_empty() {
                verdict.response = verdict.response.deny(format!(
                    "{what} on {subject}; denied because on_error is deny"
                ));
                verdict.response.result.code = 403;
                verdict.decision = Decision::Failed;
                return verdict;
            }
            warnings.insert(0, what);
        }
        if !enforced.is_empty() {
            verdict.response =
                verdict
                    .response
                    .deny(denial_message(&subject, &enforced, &self.resident));
            verdict.response.result.code = 403;
            verdict.response.result.reason = "Forbidden".to_string();
            verdict.decision = Decision::Denied;
        } else if !warnings.is_empty() {
            verdict.decision = Decision::Warned;
        }
        if !warnings.is_empty() {
            verdict.response.warnings = Some(limit_warnings(warnings));
        }
        verdict
    }

    /// The answer to a review that could not be completed, as `on_error` says.
    pub fn failed(&self, request: &AdmissionRequest<DynamicObject>, reason: String) -> Verdict {
        failure(request, self.on_error, reason)
    }
}

/// The answer to a review that could not be completed: denied (403) or admitted with a
/// warning.
pub fn failure(
    request: &AdmissionRequest<DynamicObject>,
    on_error: OnError,
    reason: String,
) -> Verdict {
    let mut response = AdmissionResponse::from(request);
    match on_error {
        OnError::Deny => {
            response = response.deny(format!("tenet: {reason}; denied because on_error is deny"));
            response.result.code = 403;
        }
        OnError::Allow => {
            response.warnings = Some(limit_warnings(vec![format!(
                "tenet: {reason}; admitted because on_error is allow"
            )]));
        }
    }
    Verdict::new(response, Decision::Failed)
}

/// The mode of each rule id: `admission.rules` patterns (the last matching one wins, so a
/// specific id written after a glob overrides it), else the global mode. Every pattern must
/// match a rule.
fn rule_modes(
    config: &Loaded,
    settings: &AdmissionConfig,
    global: Option<EnforcementMode>,
    policies: &PolicySet,
) -> Result<impl Fn(&str) -> EnforcementMode + use<>, Vec<String>> {
    let default = global.or(settings.mode).unwrap_or(EnforcementMode::Enforce);
    let mut patterns = Vec::new();
    let mut errors = Vec::new();
    for (pattern, mode) in &settings.rules {
        match config.rule_glob(pattern, &policies.rules, || {
            format!("admission rule `{pattern}` matches no rule")
        }) {
            Ok(m) => patterns.push((m, *mode)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // BTreeMap order puts globs (`*` sorts before letters) before the ids they cover.
    Ok(move |id: &str| {
        patterns
            .iter()
            .rev()
            .find(|(m, _)| m.is_match(id))
            .map_or(default, |(_, mode)| *mode)
    })
}

/// The object of a request as JSON, with the request's namespace and type filled in where the
/// object leaves them to the API server.
fn object_json(request: &AdmissionRequest<DynamicObject>) -> Option<Json> {
    let mut object = serde_json::to_value(request.object.as_ref()?).ok()?;
    let map = object.as_object_mut()?;
    let gvk = &request.kind;
    if !map.contains_key("apiVersion") || !map.contains_key("kind") {
        let api_version = if gvk.group.is_empty() {
            gvk.version.clone()
        } else {
            format!("{}/{}", gvk.group, gvk.version)
        };
        map.insert("apiVersion".into(), Json::String(api_version));
        map.insert("kind".into(), Json::String(gvk.kind.clone()));
    }
    if let Some(ns) = request.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        let metadata = map
            .entry("metadata")
            .or_insert_with(|| Json::Object(Default::default()));
        if let Some(m) = metadata.as_object_mut() {
            m.entry("namespace")
                .or_insert_with(|| Json::String(ns.to_string()));
        }
    }
    if let Some(name) = (!request.name.is_empty()).then_some(&request.name)
        && let Some(m) = map.get_mut("metadata").and_then(Json::as_object_mut)
        && m.get("name")
            .and_then(Json::as_str)
            .is_none_or(str::is_empty)
    {
        m.insert("name".into(), Json::String(name.clone()));
    }
    Some(object)
}

/// The resource graph of one object, through the same loader as files.
pub fn load_object(object: &Json) -> ResourceGraph {
    let text = serde_json::to_string(object).unwrap_or_default();
    let mut graph = kubernetes::load(DISPLAY, &text, false);
    kubernetes::link(&mut graph.resources);
    graph.normalize();
    graph
}

/// `Pod default/web` or `ClusterRole admin`.
fn subject(request: &AdmissionRequest<DynamicObject>, resource_type: &str) -> String {
    let kind = resource_type.rsplit('/').next().unwrap_or(resource_type);
    let name = request
        .object
        .as_ref()
        .and_then(|o| o.metadata.name.clone().or(o.metadata.generate_name.clone()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| request.name.clone());
    match request.namespace.as_deref().filter(|ns| !ns.is_empty()) {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// The denial: the object, then each enforced violation with its rule, severity, where in
/// the object, and the first sentence of the remediation.
fn denial_message(subject: &str, enforced: &[&Finding], resident: &Resident) -> String {
    let mut rule_ids: Vec<&str> = enforced.iter().map(|f| f.rule_id.as_str()).collect();
    rule_ids.dedup();
    let mut msg = format!(
        "tenet: {subject} violates {} enforced rule{}:",
        rule_ids.len(),
        if rule_ids.len() == 1 { "" } else { "s" }
    );
    for f in enforced {
        msg.push_str(&format!(
            "\n- {} ({}): {}",
            f.rule_id, f.severity, f.message
        ));
        if let Some(a) = &f.attribute {
            msg.push_str(&format!(" [at {a}]"));
        }
        if let Some(rule) = resident.rules().iter().find(|r| r.id == f.rule_id) {
            msg.push_str(&format!(" Fix: {}", first_sentence(&rule.remediation)));
        }
    }
    msg
}

/// The first sentence of a text (up to the first `. ` or the end), at most 300 characters.
fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    truncate(&text[..end], 300)
}

/// `text` cut to `max` characters, ending with `...` when cut (ASCII: warnings travel in HTTP
/// headers).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(3)).collect();
    out.push_str("...");
    out
}

/// Warnings as Kubernetes passes them on: each on one line and at most
/// [`MAX_WARNING_CHARS`] characters, [`MAX_WARNINGS_BYTES`] in all, with a last one saying
/// how many were left out.
pub fn limit_warnings(warnings: Vec<String>) -> Vec<String> {
    let total = warnings.len();
    let mut out: Vec<String> = Vec::new();
    let mut used = 0;
    for (i, w) in warnings.into_iter().enumerate() {
        let w = truncate(
            &w.split_whitespace().collect::<Vec<_>>().join(" "),
            MAX_WARNING_CHARS,
        );
        // Room for the note on what was left out, unless this is the last warning.
        let reserve = if i + 1 < total { 40 } else { 0 };
        if used + w.len() + reserve > MAX_WARNINGS_BYTES {
            out.push(format!("tenet: {} more warning(s) left out", total - i));
            return out;
        }
        used += w.len();
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_are_bounded() {
        let long = "x".repeat(500);
        let out = limit_warnings(vec![long.clone(); 100]);
        assert!(out.iter().all(|w| w.chars().count() <= MAX_WARNING_CHARS));
        assert!(out.iter().map(String::len).sum::<usize>() <= MAX_WARNINGS_BYTES);
        let last = out.last().expect("some warnings");
        assert!(last.contains("more warning(s) left out"), "{last}");
        let few = limit_warnings(vec!["a\nb".into(), "c".into()]);
        assert_eq!(few, vec!["a b".to_string(), "c".to_string()]);
        // Multi-byte characters count as characters and are never split.
        let wide = limit_warnings(vec!["é".repeat(200)]);
        assert_eq!(wide[0].chars().count(), MAX_WARNING_CHARS);
    }

    #[test]
    fn selectors_match_as_kubernetes_does() {
        let labels: BTreeMap<String, String> = [("tier".to_string(), "web".to_string())]
            .into_iter()
            .collect();
        let sel: LabelSelector = yaml_serde::from_str(
            "matchLabels: {tier: web}\nmatchExpressions:\n- {key: team, operator: DoesNotExist}\n",
        )
        .expect("selector");
        assert!(sel.matches(&labels));
        let sel: LabelSelector = yaml_serde::from_str(
            "matchExpressions:\n- {key: tier, operator: NotIn, values: [web]}\n",
        )
        .expect("selector");
        assert!(!sel.matches(&labels));
        assert!(LabelSelector::default().matches(&labels));
        let bad: LabelSelector =
            yaml_serde::from_str("matchExpressions:\n- {key: tier, operator: In}\n")
                .expect("selector");
        assert!(bad.problem().is_some());
    }

    #[test]
    fn malformed_reviews_are_bad_requests() {
        for (body, expect) in [
            (&b"not json"[..], "not an AdmissionReview"),
            (br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#, "no `request`"),
            (
                br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}"#,
                "admission.k8s.io/v1",
            ),
        ] {
            let e = parse(body).expect_err("rejected");
            assert!(e.0.contains(expect), "{e}");
        }
    }

    #[test]
    fn first_sentence_of_remediation() {
        assert_eq!(first_sentence("Do this. Then that."), "Do this.");
        assert_eq!(
            first_sentence("Set `a.b` to\n  false"),
            "Set `a.b` to false"
        );
    }
}
