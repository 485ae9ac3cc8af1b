package rules.kubernetes.rbac.escalation_verbs_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.rbac.escalation_verbs as rule

test_escalation_verbs_fire if {
	r := kf.resource("rbac.authorization.k8s.io/v1/ClusterRole", "rbac-manager", {"rules": [
		{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["get", "bind", "escalate"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["impersonate"]},
	]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [r]}
	attrs == {"rules[0].verbs[1]", "rules[0].verbs[2]", "rules[1].verbs[0]"}
}

test_token_request_fires if {
	r := kf.resource("rbac.authorization.k8s.io/v1/Role", "tokens", {"rules": [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}]})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [r]}
	attrs == {"rules[0].resources[0]"}
}

test_ordinary_role_passes if {
	r := kf.resource("rbac.authorization.k8s.io/v1/Role", "editor", {"rules": [
		{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"], "verbs": ["get", "list", "create"]},
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get", "create"]},
	]})
	count(rule.deny) == 0 with input as {"resources": [r]}
}
