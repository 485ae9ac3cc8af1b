package rules.kubernetes.pod.resource_limits_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.resource_limits as rule

test_no_resources_fires_on_the_container if {
	some f in rule.deny with input as {"resources": [kf.pod("p", kf.one({}))]}
	f.attribute == "spec.containers[0]"
	contains(f.message, "cpu or memory")
}

test_missing_memory_fires_on_limits if {
	d := kf.deployment("d", kf.one({"resources": {"limits": {"cpu": "1"}}}))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].resources.limits"
	contains(f.message, "memory")
}

test_null_limits_fire_on_resources if {
	d := kf.deployment("d", kf.one({"resources": {"limits": null, "requests": {"cpu": "1"}}}))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].resources"
}

test_limits_pass if {
	spec := {"containers": [kf.hardened], "ephemeralContainers": [{"name": "debug", "image": "busybox:1"}]}
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", spec)]}
}
