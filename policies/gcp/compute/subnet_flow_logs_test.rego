package rules.gcp.compute.subnet_flow_logs_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.compute.subnet_flow_logs as rule

test_subnet_without_flow_logs_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("google_compute_subnetwork", "s", {"ip_cidr_range": "10.0.0.0/24"})]}
}

test_flow_logs_and_proxy_subnets_pass if {
	resources := [
		fixtures.resource("google_compute_subnetwork", "s", {"ip_cidr_range": "10.0.0.0/24", "log_config": [{"aggregation_interval": "INTERVAL_5_SEC"}]}),
		fixtures.resource("google_compute_subnetwork", "proxy", {"ip_cidr_range": "10.1.0.0/24", "purpose": "REGIONAL_MANAGED_PROXY", "role": "ACTIVE"}),
	]
	count(rule.deny) == 0 with input as {"resources": resources}
	count(rule.undetermined) == 0 with input as {"resources": resources}
}

test_unknown_purpose_is_undetermined if {
	s := fixtures.with_unknown(fixtures.resource("google_compute_subnetwork", "s", {}), ["purpose"])
	count(rule.deny) == 0 with input as {"resources": [s]}
	count(rule.undetermined) == 1 with input as {"resources": [s]}
}
