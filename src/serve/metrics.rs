//! The webhook's metrics, served at `/metrics` in the OpenMetrics text format (which
//! Prometheus scrapes natively).

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

/// Every metric of the server.
pub struct Metrics {
    registry: Registry,
    /// Reviews by decision and whether they were dry runs.
    pub reviews: Family<Labels, Counter>,
    /// Violations by rule and mode (dry runs are counted apart: never as enforcement).
    pub violations: Family<Labels, Counter>,
    /// Violations an exception covered, by rule.
    pub excepted: Family<Labels, Counter>,
    /// Review latency in seconds, from the body read to the answer.
    pub latency: Histogram,
    /// Rules that failed to evaluate, by rule.
    pub policy_errors: Family<Labels, Counter>,
    /// Reviews answered by `on_error` because the deadline passed.
    pub deadline_exceeded: Counter,
    /// Bodies that were not AdmissionReviews (HTTP 400).
    pub bad_requests: Counter,
    /// Policy reloads by result.
    pub reloads: Family<Labels, Counter>,
    /// Certificate reloads by result.
    pub cert_reloads: Family<Labels, Counter>,
    /// Admission rules loaded, by mode.
    pub rules: Family<Labels, Gauge>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("tenet");
        let reviews = Family::<Labels, Counter>::default();
        let violations = Family::<Labels, Counter>::default();
        let excepted = Family::<Labels, Counter>::default();
        // 0.5 ms to ~4 s.
        let latency = Histogram::new([
            0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ]);
        let policy_errors = Family::<Labels, Counter>::default();
        let deadline_exceeded = Counter::default();
        let bad_requests = Counter::default();
        let reloads = Family::<Labels, Counter>::default();
        let cert_reloads = Family::<Labels, Counter>::default();
        let rules = Family::<Labels, Gauge>::default();
        registry.register(
            "admission_reviews",
            "Admission reviews by decision",
            reviews.clone(),
        );
        registry.register(
            "admission_violations",
            "Rule violations found in admission reviews, by rule and mode",
            violations.clone(),
        );
        registry.register(
            "admission_excepted",
            "Violations covered by an exception, by rule",
            excepted.clone(),
        );
        registry.register(
            "admission_review_duration_seconds",
            "Time to answer an admission review",
            latency.clone(),
        );
        registry.register(
            "policy_errors",
            "Rules that failed to evaluate during a review",
            policy_errors.clone(),
        );
        registry.register(
            "admission_deadline_exceeded",
            "Reviews answered by on_error because the deadline passed",
            deadline_exceeded.clone(),
        );
        registry.register(
            "admission_bad_requests",
            "Request bodies that were not AdmissionReview v1",
            bad_requests.clone(),
        );
        registry.register(
            "policy_reloads",
            "Policy reloads by result",
            reloads.clone(),
        );
        registry.register(
            "certificate_reloads",
            "Serving certificate reloads by result",
            cert_reloads.clone(),
        );
        registry.register(
            "admission_rules",
            "Admission rules loaded, by mode",
            rules.clone(),
        );
        Metrics {
            registry,
            reviews,
            violations,
            excepted,
            latency,
            policy_errors,
            deadline_exceeded,
            bad_requests,
            reloads,
            cert_reloads,
            rules,
        }
    }

    /// The exposition text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
