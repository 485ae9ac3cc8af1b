package rules.kubernetes.rbac.pod_exec_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.rbac.pod_exec as rule

test_exec_and_attach_fire if {
	r := kf.resource("rbac.authorization.k8s.io/v1/Role", "debug", {"rules": [
		{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
		{"apiGroups": [""], "resources": ["pods/exec", "pods/attach"], "verbs": ["create"]},
	]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [r]}
	attrs == {"rules[1].resources[0]", "rules[1].resources[1]"}
}

test_get_on_exec_fires if {
	r := kf.resource("rbac.authorization.k8s.io/v1/ClusterRole", "ws", {"rules": [{"apiGroups": ["*"], "resources": ["pods/exec"], "verbs": ["get"]}]})
	count(rule.deny) == 1 with input as {"resources": [r]}
}

test_logs_only_passes if {
	r := kf.resource("rbac.authorization.k8s.io/v1/Role", "logs", {"rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]}]})
	count(rule.deny) == 0 with input as {"resources": [r]}
}

test_nodes_proxy_fires if {
	r := kf.resource("rbac.authorization.k8s.io/v1/ClusterRole", "metrics", {"rules": [
		{"apiGroups": [""], "resources": ["nodes/metrics", "nodes/proxy"], "verbs": ["get"]},
	]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [r]}
	attrs == {"rules[0].resources[1]"}
}
