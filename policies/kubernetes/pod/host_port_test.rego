package rules.kubernetes.pod.host_port_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.host_port as rule

test_host_port_fires if {
	d := kf.deployment("d", kf.one({"ports": [{"containerPort": 8080}, {"containerPort": 9100, "hostPort": 9100}]}))
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [d]}
	attrs == {"spec.template.spec.containers[0].ports[1].hostPort"}
}

test_init_container_host_port_fires if {
	p := kf.pod("p", {"containers": [kf.hardened], "initContainers": [{"name": "init", "ports": [{"containerPort": 53, "hostPort": 53}]}]})
	some f in rule.deny with input as {"resources": [p]}
	f.attribute == "spec.initContainers[0].ports[0].hostPort"
}

test_container_port_only_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", kf.one({"ports": [{"containerPort": 8080, "hostPort": 0}]}))]}
}
