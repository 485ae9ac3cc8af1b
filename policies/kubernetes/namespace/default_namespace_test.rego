package rules.kubernetes.namespace.default_namespace_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.namespace.default_namespace as rule

test_default_namespace_fires if {
	d := kf.in_namespace(kf.deployment("d", kf.one({})), "default")
	cm := kf.in_namespace(kf.resource("v1/ConfigMap", "c", {"data": {}}), "default")
	msgs := {f.message | some f in rule.deny} with input as {"resources": [d, cm]}
	msgs == {`Deployment "d" is deployed into the default namespace`, `ConfigMap "c" is deployed into the default namespace`}
}

test_other_or_unset_namespace_passes if {
	d := kf.in_namespace(kf.deployment("d", kf.one({})), "shop")
	count(rule.deny) == 0 with input as {"resources": [d, kf.pod("p", kf.one({}))]}
}

test_api_service_skipped if {
	count(rule.deny) == 0 with input as {"resources": [kf.in_namespace(kf.resource("v1/Service", "kubernetes", {"spec": {}}), "default")]}
}
