package rules.kubernetes.pod.host_namespaces_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.host_namespaces as rule

test_each_shared_namespace_fires if {
	d := kf.deployment("d", {"hostNetwork": true, "hostPID": true, "hostIPC": false, "containers": [kf.hardened]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [d]}
	attrs == {"spec.template.spec.hostNetwork", "spec.template.spec.hostPID"}
}

test_pod_host_ipc_fires if {
	some f in rule.deny with input as {"resources": [kf.pod("p", {"hostIPC": true, "containers": []})]}
	f.attribute == "spec.hostIPC"
}

test_unset_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", {"containers": [kf.hardened]})]}
}
