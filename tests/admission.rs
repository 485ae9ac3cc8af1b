//! Admission reviews judged on recorded AdmissionReview v1 requests (as the API server sends
//! them, defaults and all) with the settings of `fixtures/admission/tenet.yaml`: enforce by
//! default, `k8s-image-tag` warns, `k8s-read-only-root-filesystem` audits, `kube-system` and
//! objects labelled `tenet.dev/exempt: "true"` are excluded, and one exception.
#![cfg(feature = "serve")]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use tenet::admission::{self, Decision, Reviewer, Sources, Verdict};
use tenet::config::{EnforcementMode, OnError};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/admission")
        .join(name)
}

fn reviewer() -> &'static Reviewer {
    static R: OnceLock<Reviewer> = OnceLock::new();
    R.get_or_init(|| {
        Reviewer::load(&Sources {
            config: Some(fixture("tenet.yaml")),
            ..Sources::default()
        })
        .expect("the admission settings load")
    })
}

fn review_with(reviewer: &Reviewer, name: &str) -> Verdict {
    let body = std::fs::read(fixture(name)).expect("fixture");
    let request = admission::parse(&body).expect("a valid review");
    reviewer.review(&request)
}

fn review(name: &str) -> Verdict {
    review_with(reviewer(), name)
}

fn violated(v: &Verdict, mode: EnforcementMode) -> Vec<&str> {
    v.violations
        .iter()
        .filter(|(m, _)| *m == mode)
        .map(|(_, f)| f.rule_id.as_str())
        .collect()
}

#[test]
fn a_privileged_pod_is_denied_with_a_useful_message() {
    let v = review("pod-privileged.json");
    assert_eq!(v.decision, Decision::Denied);
    let r = &v.response;
    assert!(!r.allowed);
    assert_eq!(r.uid, "0df28fbd-5f5e-4a1d-9b3c-6c3f2f0a0002");
    assert_eq!(r.result.code, 403);
    let msg = &r.result.message;
    assert!(
        msg.starts_with("tenet: Pod shop/debug violates 3 enforced rules:"),
        "{msg}"
    );
    // Each failing rule, where, and how to fix it.
    assert!(
        msg.contains("\n- k8s-privileged-container (high): container \"app\" of Pod \"debug\""),
        "{msg}"
    );
    assert!(
        msg.contains("[at spec.containers[0].securityContext.privileged]"),
        "{msg}"
    );
    assert!(
        msg.contains("Fix: Remove `securityContext.privileged: true`"),
        "{msg}"
    );
    for rule in ["k8s-capabilities", "k8s-privilege-escalation"] {
        assert!(msg.contains(&format!("\n- {rule} (")), "{rule} in {msg}");
    }
    // The audit-mode rule is recorded, not in the message.
    assert_eq!(
        violated(&v, EnforcementMode::Audit),
        ["k8s-read-only-root-filesystem"]
    );
    assert!(!msg.contains("k8s-read-only-root-filesystem"));
    assert!(r.warnings.is_none());
}

#[test]
fn a_hardened_pod_is_allowed_silently() {
    let v = review("pod-hardened.json");
    assert_eq!(v.decision, Decision::Allowed);
    assert!(v.response.allowed);
    assert!(v.violations.is_empty(), "{:?}", v.violations);
    assert!(v.response.warnings.is_none());
    assert_eq!(v.response.uid, "0df28fbd-5f5e-4a1d-9b3c-6c3f2f0a0001");
}

#[test]
fn a_warn_mode_rule_admits_with_a_warning() {
    let v = review("pod-latest-tag.json");
    assert_eq!(v.decision, Decision::Warned);
    assert!(v.response.allowed);
    let warnings = v.response.warnings.as_ref().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("[k8s-image-tag] "), "{warnings:?}");
    assert!(warnings[0].contains("redis:latest"), "{warnings:?}");
    assert!(warnings[0].chars().count() <= admission::MAX_WARNING_CHARS);
}

#[test]
fn a_privileged_deployment_is_denied_and_the_exception_applies() {
    let v = review("deployment-privileged.json");
    assert_eq!(v.decision, Decision::Denied);
    let msg = &v.response.result.message;
    assert!(
        msg.starts_with("tenet: Deployment shop/api violates"),
        "{msg}"
    );
    assert!(
        msg.contains("[at spec.template.spec.containers[0].securityContext.privileged]"),
        "{msg}"
    );
    // hostNetwork has a reviewed exception: not in the denial, recorded as excepted.
    assert!(!msg.contains("k8s-host-namespaces"), "{msg}");
    assert_eq!(v.excepted.len(), 1);
    assert_eq!(v.excepted[0].0, "k8s-host-namespaces");
    assert!(
        v.excepted[0].1.ends_with("exceptions.yaml:2"),
        "{:?}",
        v.excepted
    );
}

#[test]
fn cronjobs_are_judged_on_their_job_template() {
    let v = review("cronjob-host-path.json");
    assert_eq!(v.decision, Decision::Denied);
    assert_eq!(
        violated(&v, EnforcementMode::Enforce),
        ["k8s-host-path-volume"]
    );
    assert!(
        v.response
            .result
            .message
            .contains("[at spec.jobTemplate.spec.template.spec.volumes[0].hostPath]"),
        "{}",
        v.response.result.message
    );
    let fixed = review("cronjob-hardened.json");
    assert_eq!(fixed.decision, Decision::Allowed, "{:?}", fixed.violations);
}

#[test]
fn dry_runs_get_the_same_answer() {
    let v = review("pod-privileged-dry-run.json");
    assert_eq!(v.decision, Decision::Denied);
    assert!(!v.response.allowed);
}

#[test]
fn what_is_not_judged_passes() {
    for (name, decision) in [
        ("pod-delete.json", Decision::Skipped),
        ("pod-status-update.json", Decision::Skipped),
        ("pod-kube-system.json", Decision::Excluded),
    ] {
        let v = review(name);
        assert_eq!(v.decision, decision, "{name}");
        assert!(v.response.allowed, "{name}");
        assert!(v.violations.is_empty(), "{name}");
    }
    // An exempt label excludes the object.
    let body = std::fs::read_to_string(fixture("pod-privileged.json")).expect("fixture");
    let body = body.replace(
        "\"app\": \"debug\"",
        "\"app\": \"debug\", \"tenet.dev/exempt\": \"true\"",
    );
    let request = admission::parse(body.as_bytes()).expect("valid");
    assert_eq!(reviewer().review(&request).decision, Decision::Excluded);
}

#[test]
fn the_global_mode_and_on_error_come_from_the_command_line() {
    let audit = Reviewer::load(&Sources {
        mode: Some(EnforcementMode::Warn),
        on_error: Some(OnError::Allow),
        deadline: Some(Duration::from_millis(1500)),
        ..Sources::default()
    })
    .expect("loads");
    assert_eq!(audit.on_error, OnError::Allow);
    assert_eq!(audit.deadline, Duration::from_millis(1500));
    let v = review_with(&audit, "pod-privileged.json");
    assert_eq!(v.decision, Decision::Warned);
    assert!(v.response.allowed);
    let warnings = v.response.warnings.expect("warnings");
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("[k8s-privileged-container]"))
    );
    // Without a configuration kube-system is still excluded.
    assert_eq!(
        review_with(&audit, "pod-kube-system.json").decision,
        Decision::Excluded
    );
}

#[test]
fn malformed_reviews_are_rejected_with_the_reason() {
    for (name, expect) in [
        (
            "not-json.txt",
            "not an AdmissionReview: expected value at line 1 column 1",
        ),
        ("v1beta1.json", "admissionReviewVersions: [v1]"),
        ("no-request.json", "has no `request`"),
        (
            "create-without-object.json",
            "a Create request needs an `object`",
        ),
        (
            "labels-not-a-map.json",
            "not an AdmissionReview: invalid type: sequence",
        ),
        ("no-uid.json", "missing field `uid`"),
        ("truncated.json", "EOF while parsing"),
    ] {
        let body = std::fs::read(fixture(&format!("malformed/{name}"))).expect("fixture");
        let err = admission::parse(&body).expect_err(name);
        assert!(err.0.contains(expect), "{name}: {err}");
    }
}

#[test]
fn configuration_mistakes_name_the_file_and_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tenet.yaml");
    std::fs::write(
        &path,
        "admission:\n  mode: enforce\n  rules:\n    k8s-no-such-rule: warn\n",
    )
    .expect("write");
    let errors = Reviewer::load(&Sources {
        config: Some(path.clone()),
        ..Sources::default()
    })
    .expect_err("unknown rule");
    assert!(
        errors[0].ends_with("tenet.yaml:4: admission rule `k8s-no-such-rule` matches no rule"),
        "{errors:?}"
    );
    std::fs::write(&path, "admission:\n  mode: block\n").expect("write");
    let errors = Reviewer::load(&Sources {
        config: Some(path),
        ..Sources::default()
    })
    .expect_err("bad mode");
    assert!(errors[0].contains("tenet.yaml:2"), "{errors:?}");
    assert!(errors[0].contains("unknown variant `block`"), "{errors:?}");
}
