package rules.gcp.gke.legacy_abac_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.gke.legacy_abac as rule

test_abac_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("google_container_cluster", "c", {"enable_legacy_abac": true})]}
}

test_default_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("google_container_cluster", "c", {}),
		fixtures.resource("google_container_cluster", "d", {"enable_legacy_abac": false}),
	]}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(fixtures.resource("google_container_cluster", "c", {}), ["enable_legacy_abac"])
	count(rule.undetermined) == 1 with input as {"resources": [c]}
	count(rule.deny) == 0 with input as {"resources": [c]}
}
