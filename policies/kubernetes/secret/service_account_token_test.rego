package rules.kubernetes.secret.service_account_token_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.secret.service_account_token as rule

test_token_secret_fires if {
	s := kf.resource("v1/Secret", "ci-token", {
		"metadata": {"name": "ci-token", "annotations": {"kubernetes.io/service-account.name": "ci"}},
		"type": "kubernetes.io/service-account-token",
	})
	some f in rule.deny with input as {"resources": [s]}
	f.attribute == "type"
	contains(f.message, `service account "ci"`)
}

test_other_secrets_pass if {
	tls := kf.resource("v1/Secret", "tls", {"type": "kubernetes.io/tls", "data": {}})
	opaque := kf.resource("v1/Secret", "o", {"stringData": {}})
	count(rule.deny) == 0 with input as {"resources": [tls, opaque]}
}
