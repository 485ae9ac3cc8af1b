package rules.kubernetes.pod.apparmor_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.apparmor as rule

unconfined := {"appArmorProfile": {"type": "Unconfined"}}

test_container_field_fires if {
	some f in rule.deny with input as {"resources": [kf.pod("p", kf.one({"securityContext": unconfined}))]}
	f.attribute == "spec.containers[0].securityContext.appArmorProfile.type"
}

test_pod_field_fires_unless_container_overrides if {
	spec := {"securityContext": unconfined, "containers": [{"name": "a"}, {"name": "b", "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}]}
	msgs := [f.message | some f in rule.deny] with input as {"resources": [kf.deployment("d", spec)]}
	count(msgs) == 1
	contains(msgs[0], `container "a"`)
}

test_annotation_fires if {
	d := kf.with_pod_annotations(kf.deployment("d", {"containers": [{"name": "a"}, {"name": "b"}]}), {
		"container.apparmor.security.beta.kubernetes.io/a": "runtime/default",
		"container.apparmor.security.beta.kubernetes.io/b": "unconfined",
	})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [d]}
	attrs == {`spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/b"]`}
}

test_default_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.cronjob("c", kf.one({}))]}
}
