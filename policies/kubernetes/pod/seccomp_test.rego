package rules.kubernetes.pod.seccomp_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.seccomp as rule

runtime_default := {"seccompProfile": {"type": "RuntimeDefault"}}

test_no_profile_fires if {
	some f in rule.deny with input as {"resources": [kf.deployment("d", kf.one({}))]}
	f.attribute == "spec.template.spec.containers[0]"
}

test_pod_level_profile_passes if {
	spec := object.union(kf.one({}), {"securityContext": runtime_default})
	count(rule.deny) == 0 with input as {"resources": [kf.deployment("d", spec)]}
}

test_container_localhost_profile_passes if {
	c := {"securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "profiles/app.json"}}}
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", kf.one(c))]}
}

test_container_unconfined_overrides_pod if {
	spec := object.union(kf.one({"securityContext": {"seccompProfile": {"type": "Unconfined"}}}), {"securityContext": runtime_default})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [kf.pod("p", spec)]}
	attrs == {"spec.containers[0].securityContext.seccompProfile.type"}
}

test_pod_unconfined_fires_for_each_container if {
	spec := {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a"}, {"name": "b", "securityContext": runtime_default}]}
	attrs := [f.attribute | some f in rule.deny] with input as {"resources": [kf.cronjob("c", spec)]}
	attrs == ["spec.jobTemplate.spec.template.spec.securityContext.seccompProfile.type"]
}

test_legacy_annotations if {
	d := kf.with_pod_annotations(kf.deployment("d", {"containers": [{"name": "a"}, {"name": "b"}]}), {
		"seccomp.security.alpha.kubernetes.io/pod": "runtime/default",
		"container.seccomp.security.alpha.kubernetes.io/b": "unconfined",
	})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [d]}
	attrs == {`spec.template.metadata.annotations["container.seccomp.security.alpha.kubernetes.io/b"]`}
}

test_windows_pod_skipped if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", object.union(kf.one({}), {"os": {"name": "windows"}}))]}
}
