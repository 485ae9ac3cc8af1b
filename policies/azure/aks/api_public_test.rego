package rules.azure.aks.api_public_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.aks.api_public as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

aks(name, props) := fixtures.arm_resource("Microsoft.ContainerService/managedClusters", name, "2024-05-01", object.union({"dnsPrefix": "aks"}, props))

tf(name, attrs) := fixtures.resource("azurerm_kubernetes_cluster", name, attrs)

test_arm_public_fires if {
	some f in deny([aks("a", {})])
	f.attribute == "properties.apiServerAccessProfile"
	count(deny([aks("b", {"apiServerAccessProfile": {"enablePrivateCluster": false, "authorizedIPRanges": []}})])) == 1
	count(deny([aks("c", {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24", "0.0.0.0/0"]}})])) == 1
}

test_arm_private_or_limited_passes if {
	count(deny([
		aks("a", {"apiServerAccessProfile": {"enablePrivateCluster": true}}),
		aks("b", {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}),
	])) == 0
}

test_tf if {
	some f in deny([tf("a", {})])
	f.attribute == "private_cluster_enabled"
	count(deny([
		tf("b", {"private_cluster_enabled": true}),
		tf("c", {"api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]}),
		tf("d", {"api_server_authorized_ip_ranges": ["198.51.100.7/32"]}),
	])) == 0
	count(deny([tf("e", {"api_server_access_profile": [{"authorized_ip_ranges": []}]})])) == 1
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(aks("a", {}), ["properties.apiServerAccessProfile.authorizedIPRanges"])
	b := fixtures.with_unknown(tf("b", {}), ["private_cluster_enabled"])
	settled := fixtures.with_unknown(tf("c", {"private_cluster_enabled": true}), ["api_server_access_profile"])
	count(deny([a, b, settled])) == 0
	count(undetermined([a, b, settled])) == 2
}
