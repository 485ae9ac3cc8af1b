package rules.kubernetes.pod.capabilities_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.capabilities as rule

test_no_drop_fires_on_the_container if {
	some f in rule.deny with input as {"resources": [kf.pod("p", kf.one({}))]}
	f.attribute == "spec.containers[0]"
}

test_drop_without_all_fires_on_drop if {
	d := kf.deployment("d", kf.one({"securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].securityContext.capabilities.drop"
}

test_dangerous_add_fires if {
	c := object.union(kf.hardened, {"securityContext": {"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "cap_sys_admin"]}}})
	fs := rule.deny with input as {"resources": [kf.deployment("d", {"containers": [c]})]}
	count(fs) == 1
	some f in fs
	f.attribute == "spec.template.spec.containers[0].securityContext.capabilities.add[1]"
	contains(f.message, "SYS_ADMIN")
}

test_drop_all_passes if {
	c := object.union(kf.hardened, {"securityContext": {"capabilities": {"drop": ["all"], "add": ["NET_BIND_SERVICE"]}}})
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", {"containers": [c]})]}
}
