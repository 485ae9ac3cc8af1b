package rules.kubernetes.pod.run_as_root_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.run_as_root as rule

deny(r) := result if {
	result := rule.deny with input as {"resources": [r]}
}

test_nothing_set_fires if {
	some f in deny(kf.pod("p", kf.one({})))
	f.attribute == "spec.containers[0]"
}

test_uid_zero_in_container_fires_on_the_field if {
	d := kf.deployment("d", kf.one({"securityContext": {"runAsNonRoot": true, "runAsUser": 0}}))
	fs := deny(d)
	count(fs) == 1
	some f in fs
	f.attribute == "spec.template.spec.containers[0].securityContext.runAsUser"
}

test_pod_level_non_root_passes if {
	d := kf.deployment("d", object.union(kf.one({}), {"securityContext": {"runAsNonRoot": true}}))
	count(deny(d)) == 0
}

test_pod_level_non_zero_uid_passes if {
	count(deny(kf.pod("p", object.union(kf.one({}), {"securityContext": {"runAsUser": 1000}})))) == 0
}

test_container_overrides_pod if {
	spec := object.union(kf.one({"securityContext": {"runAsNonRoot": false}}), {"securityContext": {"runAsNonRoot": true}})
	some f in deny(kf.pod("p", spec))
	f.attribute == "spec.containers[0].securityContext.runAsNonRoot"
}

test_pod_uid_zero_fires_on_pod_field if {
	spec := object.union(kf.one({}), {"securityContext": {"runAsUser": 0}})
	some f in deny(kf.cronjob("c", spec))
	f.attribute == "spec.jobTemplate.spec.template.spec.securityContext.runAsUser"
}

test_container_uid_overrides_pod_uid_zero if {
	spec := object.union(kf.one({"securityContext": {"runAsUser": 1000}}), {"securityContext": {"runAsUser": 0}})
	count(deny(kf.pod("p", spec))) == 0
}
