package rules.kubernetes.pod.default_service_account_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.default_service_account as rule

test_unnamed_account_fires if {
	some f in rule.deny with input as {"resources": [kf.deployment("d", kf.one({}))]}
	f.attribute == "spec.template.spec"
}

test_explicit_default_fires if {
	some f in rule.deny with input as {"resources": [kf.pod("p", object.union(kf.one({}), {"serviceAccountName": "default"}))]}
	f.attribute == "spec.serviceAccountName"
}

test_deprecated_field_counts if {
	count(rule.deny) == 0 with input as {"resources": [kf.pod("p", object.union(kf.one({}), {"serviceAccount": "web"}))]}
}

test_own_account_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.cronjob("c", object.union(kf.one({}), {"serviceAccountName": "backup"}))]}
}

test_no_token_passes if {
	count(rule.deny) == 0 with input as {"resources": [kf.deployment("d", object.union(kf.one({}), {"automountServiceAccountToken": false}))]}
}
