package rules.kubernetes.pod.sysctls_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.sysctls as rule

spec := object.union(kf.one({}), {"securityContext": {"sysctls": [
	{"name": "net.ipv4.tcp_syncookies", "value": "1"},
	{"name": "kernel.msgmax", "value": "65536"},
	{"name": "net/ipv4/ip_local_port_range", "value": "1024 65535"},
]}})

test_unsafe_fires if {
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [kf.deployment("d", spec)]}
	attrs == {"spec.template.spec.securityContext.sysctls[1].name"}
}

test_allowed_by_parameter if {
	count(rule.deny) == 0 with input as {"resources": [kf.deployment("d", spec)]} with data.config.allowed_sysctls as ["kernel.msgmax"]
}

test_none_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", kf.one({}))]}
}
