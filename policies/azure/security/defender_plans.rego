# METADATA
# title: Microsoft Defender for Cloud plans are not on the Free tier
# description: >-
#   Defender for Cloud's paid plans are what detect threats in a subscription's servers,
#   databases, storage, containers and Key Vaults: malware uploads, brute-force logins,
#   anomalous data access and known-exploit traffic raise alerts only under the Standard tier.
#   A `Microsoft.Security/pricings` resource (Terraform
#   `azurerm_security_center_subscription_pricing`) whose pricing tier is Free turns that
#   detection off for its resource type and is reported. Plans that are never declared are not
#   seen (their tier is whatever the subscription already has).
# scope: package
# custom:
#   id: azure-defender-plans
#   check: threat-detection
#   severity: medium
#   resource_types: [Microsoft.Security/pricings, azurerm_security_center_subscription_pricing]
#   controls:
#     soc2: [CC7.1, CC7.2]
#     iso27001-2022: [A.8.7, A.8.16]
#     gdpr: [Art.32(1)(d)]
#     hipaa: ["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"]
#     pci-dss-4.0: ["10.4.1", "11.5.1"]
#   remediation: >-
#     ARM/Bicep: set `properties.pricingTier: 'Standard'` on the pricing (and a `subPlan` where
#     the plan has them). Terraform: set `tier = "Standard"`.
package rules.azure.security.defender_plans

import rego.v1

import data.lib.azure
import data.lib.tenet

deny contains tenet.finding(r, msg, "properties.pricingTier") if {
	some r in tenet.of_input_type("Microsoft.Security/pricings")
	v := azure.prop(r, "pricingTier", null)
	lower(sprintf("%v", [v])) == "free"
	msg := sprintf("Defender for Cloud plan %q is on the Free tier: threat detection for its resources is off", [plan_name(r)])
}

deny contains tenet.finding(r, msg, "tier") if {
	some r in tenet.of_input_type("azurerm_security_center_subscription_pricing")
	v := tenet.attr(r, "tier", null)
	lower(sprintf("%v", [v])) == "free"
	msg := sprintf("azurerm_security_center_subscription_pricing %q (%v) is on the Free tier: threat detection for its resources is off", [r.name, tenet.attr(r, "resource_type", "VirtualMachines")])
}

undetermined contains tenet.finding(r, msg, "properties.pricingTier") if {
	some r in tenet.of_input_type("Microsoft.Security/pricings")
	azure.prop_unknown(r, "pricingTier")
	msg := sprintf("the pricing tier of Defender for Cloud plan %q is not known before deployment", [plan_name(r)])
}

undetermined contains tenet.finding(r, msg, "tier") if {
	some r in tenet.of_input_type("azurerm_security_center_subscription_pricing")
	tenet.is_unknown(r, "tier")
	msg := sprintf("tier of azurerm_security_center_subscription_pricing %q is not known before apply", [r.name])
}

# The plan's ARM name (VirtualMachines, SqlServers, ...), which Bicep's symbolic name hides.
plan_name(r) := r.attributes.name if is_string(r.attributes.name)

plan_name(r) := r.name if not is_string(r.attributes.name)
