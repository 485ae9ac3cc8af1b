package rules.azure.aks.rbac_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.aks.rbac as rule

aks(props) := fixtures.arm_resource("Microsoft.ContainerService/managedClusters", "aks", "2024-05-01", props)

tf(attrs) := fixtures.resource("azurerm_kubernetes_cluster", "aks", attrs)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_disabled_fires if {
	some f in deny([aks({"enableRBAC": false})])
	f.attribute == "properties.enableRBAC"
}

test_arm_enabled_or_absent_passes if {
	count(deny([aks({"enableRBAC": true}), aks({"dnsPrefix": "x"})])) == 0
}

test_tf_disabled_fires if {
	count(deny([tf({"role_based_access_control_enabled": false})])) == 1
	some f in deny([tf({"role_based_access_control": [{"enabled": false}]})])
	f.attribute == "role_based_access_control[0].enabled"
}

test_tf_enabled_or_absent_passes if {
	count(deny([tf({}), tf({"role_based_access_control_enabled": true}), tf({"role_based_access_control": [{"enabled": true}]})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(aks({}), ["properties.enableRBAC"])
	t := fixtures.with_unknown(tf({}), ["role_based_access_control_enabled"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
