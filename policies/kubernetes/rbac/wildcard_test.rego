package rules.kubernetes.rbac.wildcard_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.rbac.wildcard as rule

test_wildcards_fire if {
	r := kf.resource("rbac.authorization.k8s.io/v1/ClusterRole", "ops", {"rules": [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]},
		{"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get", "*"]},
	]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [r]}
	attrs == {"rules[1].resources[0]", "rules[1].verbs[1]"}
}

test_narrow_role_passes if {
	r := kf.resource("rbac.authorization.k8s.io/v1/Role", "reader", {"rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]})
	count(rule.deny) == 0 with input as {"resources": [r]}
}
