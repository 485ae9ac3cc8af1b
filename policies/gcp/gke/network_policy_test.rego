package rules.gcp.gke.network_policy_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.gke.network_policy as rule

cluster(name, attrs) := fixtures.resource("google_container_cluster", name, object.union({"name": name}, attrs))

test_no_enforcement_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		cluster("plain", {}),
		cluster("off", {"network_policy": [{"enabled": false}]}),
	]}
}

test_enforcement_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		cluster("dpv2", {"datapath_provider": "ADVANCED_DATAPATH"}),
		cluster("calico", {"network_policy": [{"enabled": true, "provider": "CALICO"}]}),
		cluster("autopilot", {"enable_autopilot": true}),
	]}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(cluster("u", {}), ["datapath_provider"])
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 1 with input as {"resources": [c]}
}
