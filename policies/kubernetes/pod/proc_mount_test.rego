package rules.kubernetes.pod.proc_mount_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.proc_mount as rule

test_unmasked_fires if {
	d := kf.deployment("d", {"containers": [kf.hardened], "initContainers": [{"name": "i", "securityContext": {"procMount": "Unmasked"}}]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [d]}
	attrs == {"spec.template.spec.initContainers[0].securityContext.procMount"}
}

test_default_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", kf.one({"securityContext": {"procMount": "Default"}}))]}
}
