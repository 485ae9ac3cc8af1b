package rules.kubernetes.rbac.secrets_access_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.rbac.secrets_access as rule

role(type, rules) := kf.resource(type, "r", {"rules": rules})

test_list_secrets_fires if {
	r := role("rbac.authorization.k8s.io/v1/ClusterRole", [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["list", "watch"]},
	])
	fs := [f | some f in rule.deny] with input as {"resources": [r]}
	count(fs) == 1
	fs[0].attribute == "rules[1].resources[1]"
	contains(fs[0].message, "list, watch")
}

test_wildcard_group_and_verb_fire if {
	r := role("rbac.authorization.k8s.io/v1/Role", [{"apiGroups": ["*"], "resources": ["secrets"], "verbs": ["*"]}])
	count(rule.deny) == 1 with input as {"resources": [r]}
}

test_named_secret_passes if {
	r := role("rbac.authorization.k8s.io/v1/Role", [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["app-tls"], "verbs": ["get"]}])
	count(rule.deny) == 0 with input as {"resources": [r]}
}

test_write_only_or_other_group_passes if {
	r := role("rbac.authorization.k8s.io/v1/Role", [
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]},
		{"apiGroups": ["example.io"], "resources": ["secrets"], "verbs": ["get"]},
	])
	count(rule.deny) == 0 with input as {"resources": [r]}
}
