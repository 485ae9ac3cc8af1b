package rules.azure.aks.auto_upgrade_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.aks.auto_upgrade as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

aks(name, profile) := fixtures.arm_resource("Microsoft.ContainerService/managedClusters", name, "2024-05-01", {"dnsPrefix": "aks", "autoUpgradeProfile": profile})

tf(name, attrs) := fixtures.resource("azurerm_kubernetes_cluster", name, attrs)

test_arm if {
	some f in deny([aks("a", {})])
	f.attribute == "properties.autoUpgradeProfile.upgradeChannel"
	count(deny([aks("b", {"upgradeChannel": "none"})])) == 1
	some g in deny([aks("c", {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "None"})])
	g.attribute == "properties.autoUpgradeProfile.nodeOSUpgradeChannel"
	count(deny([aks("d", {"upgradeChannel": "stable"}), aks("e", {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "SecurityPatch"})])) == 0
}

test_tf if {
	count(deny([tf("a", {})])) == 1
	count(deny([tf("b", {"automatic_upgrade_channel": "patch", "node_os_upgrade_channel": "None"})])) == 1
	count(deny([tf("c", {"automatic_upgrade_channel": "patch"}), tf("d", {"automatic_channel_upgrade": "stable", "node_os_channel_upgrade": "NodeImage"})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(aks("a", {}), ["properties.autoUpgradeProfile.upgradeChannel"])
	t := fixtures.with_unknown(tf("t", {}), ["automatic_upgrade_channel"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
