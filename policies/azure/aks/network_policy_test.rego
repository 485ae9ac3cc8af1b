package rules.azure.aks.network_policy_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.aks.network_policy as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

aks(name, net) := fixtures.arm_resource("Microsoft.ContainerService/managedClusters", name, "2024-05-01", {"dnsPrefix": "aks", "networkProfile": net})

tf(name, attrs) := fixtures.resource("azurerm_kubernetes_cluster", name, attrs)

test_arm_missing_or_none_fires if {
	some f in deny([aks("a", {"networkPlugin": "azure"})])
	f.attribute == "properties.networkProfile.networkPolicy"
	count(deny([aks("b", {"networkPlugin": "kubenet", "networkPolicy": "none"})])) == 1
	count(deny([fixtures.arm_resource("Microsoft.ContainerService/managedClusters", "c", "2024-05-01", {})])) == 1
}

test_arm_engine_or_cilium_passes if {
	count(deny([
		aks("a", {"networkPolicy": "calico"}),
		aks("b", {"networkPolicy": "azure"}),
		aks("c", {"networkPolicy": "cilium", "networkDataplane": "cilium"}),
		aks("d", {"networkDataplane": "cilium"}),
	])) == 0
}

test_tf if {
	some f in deny([tf("a", {})])
	f.attribute == "network_profile[0].network_policy"
	count(deny([tf("b", {"network_profile": [{"network_plugin": "azure"}]})])) == 1
	count(deny([
		tf("c", {"network_profile": [{"network_plugin": "azure", "network_policy": "azure"}]}),
		tf("d", {"network_profile": [{"network_plugin": "azure", "network_data_plane": "cilium"}]}),
	])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(aks("a", {}), ["properties.networkProfile.networkPolicy"])
	b := fixtures.with_unknown(tf("b", {"network_profile": [{"network_plugin": "azure"}]}), ["network_profile[0].network_data_plane"])
	settled := fixtures.with_unknown(aks("c", {"networkPolicy": "calico"}), ["properties.networkProfile.networkDataplane"])
	count(deny([a, b, settled])) == 0
	count(undetermined([a, b, settled])) == 2
}
