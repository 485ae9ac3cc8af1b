package rules.kubernetes.pod.privilege_escalation_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.privilege_escalation as rule

test_unset_fires_on_the_container if {
	p := kf.pod("p", {"containers": [{"name": "app", "image": "a:1"}]})
	some f in rule.deny with input as {"resources": [p]}
	f.attribute == "spec.containers[0]"
}

test_unset_with_security_context_points_at_it if {
	d := kf.deployment("d", kf.one({"securityContext": {"runAsNonRoot": true}}))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].securityContext"
}

test_true_fires_on_the_field if {
	d := kf.deployment("d", kf.one({"securityContext": {"allowPrivilegeEscalation": true}}))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"
}

test_false_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.deployment("d", {"containers": [kf.hardened]})]}
}
