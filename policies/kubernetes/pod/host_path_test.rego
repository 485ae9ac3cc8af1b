package rules.kubernetes.pod.host_path_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.host_path as rule

test_host_path_fires if {
	spec := {"containers": [kf.hardened], "volumes": [{"name": "cache", "emptyDir": {}}, {"name": "root", "hostPath": {"path": "/"}}]}
	some f in rule.deny with input as {"resources": [kf.deployment("d", spec)]}
	f.attribute == "spec.template.spec.volumes[1].hostPath"
	contains(f.message, "\"/\"")
}

test_other_volumes_pass if {
	spec := {"containers": [kf.hardened], "volumes": [{"name": "cache", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}]}
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", spec)]}
}
