package rules.kubernetes.pod.privileged_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.privileged as rule

test_privileged_container_fires if {
	d := kf.deployment("web", {"containers": [kf.hardened, object.union(kf.hardened, {"name": "side", "securityContext": {"privileged": true}})]})
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[1].securityContext.privileged"
}

test_privileged_init_container_of_cronjob_fires if {
	c := kf.cronjob("backup", {"containers": [kf.hardened], "initContainers": [{"name": "init", "securityContext": {"privileged": true}}]})
	some f in rule.deny with input as {"resources": [c]}
	f.attribute == "spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged"
}

test_unprivileged_passes if {
	p := kf.pod("p", {"containers": [kf.hardened, {"name": "x", "securityContext": {"privileged": false}}, {"name": "y", "securityContext": null}]})
	count(rule.deny) == 0 with input as {"resources": [p]}
}

test_other_groups_are_not_workloads if {
	r := kf.resource("example.com/v1/Deployment", "crd", {"spec": {"template": {"spec": {"containers": [{"securityContext": {"privileged": true}}]}}}})
	count(rule.deny) == 0 with input as {"resources": [r]}
}
