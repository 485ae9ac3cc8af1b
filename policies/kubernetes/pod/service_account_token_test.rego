package rules.kubernetes.pod.service_account_token_test

import rego.v1

import data.lib.fixtures
import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.service_account_token as rule

findings(resources) := fs if {
	fs := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_default_fires if {
	d := kf.deployment("d", kf.one({}))
	some f in findings([d])
	f.attribute == "spec.template.spec"
	contains(f.message, `service account "default"`)
}

test_pod_opt_out_passes if {
	count(findings([kf.pod("p", object.union(kf.one({}), {"automountServiceAccountToken": false}))])) == 0
}

test_pod_true_fires_even_if_account_opts_out if {
	sa := kf.service_account("api", {"automountServiceAccountToken": false})
	p := kf.pod("p", object.union(kf.one({}), {"serviceAccountName": "api", "automountServiceAccountToken": true}))
	some f in findings([p, sa])
	f.attribute == "spec.automountServiceAccountToken"
}

test_account_opt_out_passes if {
	sa := kf.in_namespace(kf.service_account("web", {"automountServiceAccountToken": false}), "shop")
	d := kf.in_namespace(kf.deployment("d", object.union(kf.one({}), {"serviceAccountName": "web"})), "shop")
	count(findings([d, sa])) == 0
}

test_default_account_opt_out_passes if {
	sa := kf.in_namespace(kf.service_account("default", {"automountServiceAccountToken": false}), "shop")
	d := kf.in_namespace(kf.cronjob("c", kf.one({})), "shop")
	count(findings([d, sa])) == 0
}

test_account_in_other_namespace_does_not_count if {
	sa := kf.in_namespace(kf.service_account("web", {"automountServiceAccountToken": false}), "other")
	d := kf.in_namespace(kf.deployment("d", object.union(kf.one({}), {"serviceAccountName": "web"})), "shop")
	some f in findings([d, sa])
	f.attribute == "spec.template.spec.serviceAccountName"
}

test_account_without_opt_out_fires if {
	sa := kf.service_account("web", {})
	d := kf.deployment("d", object.union(kf.one({}), {"serviceAccountName": "web"}))
	some f in findings([d, sa])
	contains(f.message, "nor the ServiceAccount")
}
