package rules.gcp.gke.private_endpoint_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.gke.private_endpoint as rule

cluster(name, attrs) := fixtures.resource("google_container_cluster", name, object.union({"name": name, "location": "europe-west1"}, attrs))

test_public_endpoints_fire if {
	findings := rule.deny with input as {"resources": [
		cluster("open", {}),
		cluster("world", {"master_authorized_networks_config": [{"cidr_blocks": [{"cidr_block": "0.0.0.0/0"}]}]}),
		cluster("gcp", {"master_authorized_networks_config": [{"gcp_public_cidrs_access_enabled": true}]}),
		cluster("nodes_only", {"private_cluster_config": [{"enable_private_nodes": true, "enable_private_endpoint": false}]}),
	]}
	count(findings) == 4
}

test_private_or_restricted_pass if {
	resources := [
		cluster("private", {"private_cluster_config": [{"enable_private_nodes": true, "enable_private_endpoint": true}]}),
		cluster("restricted", {"master_authorized_networks_config": [{"cidr_blocks": [{"cidr_block": "203.0.113.0/24", "display_name": "office"}]}]}),
		cluster("dns_only", {"control_plane_endpoints_config": [{"ip_endpoints_config": [{"enabled": false}]}]}),
	]
	count(rule.deny) == 0 with input as {"resources": resources}
	count(rule.undetermined) == 0 with input as {"resources": resources}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(cluster("u", {"private_cluster_config": [{}]}), ["private_cluster_config[0].enable_private_endpoint"])
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 1 with input as {"resources": [c]}
}
