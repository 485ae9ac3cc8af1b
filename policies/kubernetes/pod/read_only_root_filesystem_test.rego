package rules.kubernetes.pod.read_only_root_filesystem_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.read_only_root_filesystem as rule

test_unset_fires if {
	some f in rule.deny with input as {"resources": [kf.cronjob("c", kf.one({}))]}
	f.attribute == "spec.jobTemplate.spec.template.spec.containers[0]"
}

test_false_fires_on_the_field if {
	d := kf.deployment("d", kf.one({"securityContext": {"readOnlyRootFilesystem": false}}))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem"
}

test_true_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", {"containers": [kf.hardened]})]}
}
