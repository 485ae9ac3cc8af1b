package rules.gcp.gke.logging_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.gke.logging as rule

test_logging_off_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("google_container_cluster", "none", {"logging_service": "none"}),
		fixtures.resource("google_container_cluster", "empty", {"logging_config": [{"enable_components": []}]}),
	]}
}

test_logging_on_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("google_container_cluster", "default", {}),
		fixtures.resource("google_container_cluster", "components", {"logging_config": [{"enable_components": ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"]}]}),
	]}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(fixtures.resource("google_container_cluster", "c", {}), ["logging_service"])
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 1 with input as {"resources": [c]}
}
