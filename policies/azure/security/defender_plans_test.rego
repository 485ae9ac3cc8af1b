package rules.azure.security.defender_plans_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.security.defender_plans as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

plan(name, tier) := fixtures.arm_resource("Microsoft.Security/pricings", name, "2024-01-01", {"pricingTier": tier})

test_arm if {
	some f in deny([plan("VirtualMachines", "Free")])
	f.attribute == "properties.pricingTier"
	count(deny([plan("SqlServers", "Standard")])) == 0
}

test_tf if {
	some f in deny([fixtures.resource("azurerm_security_center_subscription_pricing", "vm", {"tier": "Free"})])
	contains(f.message, "VirtualMachines")
	count(deny([fixtures.resource("azurerm_security_center_subscription_pricing", "kv", {"tier": "Standard", "resource_type": "KeyVaults"})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(plan("Containers", null), ["properties.pricingTier"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_security_center_subscription_pricing", "vm", {}), ["tier"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
