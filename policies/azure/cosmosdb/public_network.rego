# METADATA
# title: Cosmos DB accounts are not reachable from the whole internet
# description: >-
#   A Cosmos DB account with public network access and no IP or virtual-network firewall
#   accepts connections from every address; a leaked account key or resource token is then
#   usable from anywhere, and the data plane is exposed to scanning. An account is reported
#   when public network access is on (`publicNetworkAccess` absent or Enabled;
#   `public_network_access_enabled` absent or true), it lists no IP rule (`ipRules`, or the
#   older `ipRangeFilter`; Terraform `ip_range_filter`) and its virtual-network filter is off.
#   Any IP rule, including 0.0.0.0 (Azure datacenters only), is taken as a deliberate
#   allow-list.
# scope: package
# custom:
#   id: azure-cosmos-public-network
#   check: database-public
#   severity: critical
#   resource_types: [Microsoft.DocumentDB/databaseAccounts, azurerm_cosmosdb_account]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Reach the account through private endpoints and set `publicNetworkAccess: 'Disabled'`
#     (Terraform `public_network_access_enabled = false`), or restrict it with `ipRules`
#     (`ip_range_filter`) and/or `isVirtualNetworkFilterEnabled: true` with
#     `virtualNetworkRules` (`is_virtual_network_filter_enabled = true`).
package rules.azure.cosmosdb.public_network

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_type := "Microsoft.DocumentDB/databaseAccounts"

tf_type := "azurerm_cosmosdb_account"

# Each fact is "yes", "no" or "unknown".
facts contains [r, "properties.publicNetworkAccess", public, filtered] if {
	some r in tenet.of_input_type(arm_type)
	public := arm_public(r)
	filtered := arm_filtered(r)
}

facts contains [r, "public_network_access_enabled", public, filtered] if {
	some r in tenet.of_input_type(tf_type)
	public := tf_public(r)
	filtered := tf_filtered(r)
}

deny contains tenet.finding(r, msg, path) if {
	some [r, path, "yes", "no"] in facts
	msg := sprintf("Cosmos DB account %q allows public network access with no IP rule and no virtual-network filter: it accepts connections from any address", [r.name])
}

undetermined contains tenet.finding(r, msg, path) if {
	some [r, path, public, filtered] in facts
	public in {"yes", "unknown"}
	filtered in {"no", "unknown"}
	"unknown" in {public, filtered}
	msg := sprintf("whether Cosmos DB account %q is open to the internet depends on network settings not known before deployment", [r.name])
}

arm_public(r) := "unknown" if azure.prop_unknown(r, "publicNetworkAccess")

arm_public(r) := yes_no(lower(sprintf("%v", [azure.prop(r, "publicNetworkAccess", "Enabled")])) == "enabled")

arm_filtered(r) := "yes" if arm_filtered_yes(r)

arm_filtered(r) := "unknown" if {
	not arm_filtered_yes(r)
	some key in ["ipRules", "ipRangeFilter", "isVirtualNetworkFilterEnabled"]
	azure.prop_unknown(r, key)
}

arm_filtered(r) := "no" if {
	not arm_filtered_yes(r)
	every key in ["ipRules", "ipRangeFilter", "isVirtualNetworkFilterEnabled"] {
		not azure.prop_unknown(r, key)
	}
}

arm_filtered_yes(r) if {
	some key in ["ipRules", "ipRangeFilter"]
	count(azure.prop(r, key, [])) > 0
}

arm_filtered_yes(r) if azure.bool_prop(r, "isVirtualNetworkFilterEnabled", false) == true

tf_public(r) := "unknown" if tenet.is_unknown(r, "public_network_access_enabled")

tf_public(r) := yes_no(tenet.bool_attr(r, "public_network_access_enabled", true))

tf_filtered(r) := "yes" if tf_filtered_yes(r)

tf_filtered(r) := "unknown" if {
	not tf_filtered_yes(r)
	some key in ["ip_range_filter", "is_virtual_network_filter_enabled"]
	tenet.is_unknown(r, key)
}

tf_filtered(r) := "no" if {
	not tf_filtered_yes(r)
	every key in ["ip_range_filter", "is_virtual_network_filter_enabled"] {
		not tenet.is_unknown(r, key)
	}
}

# ip_range_filter is a set of strings (provider v4) or one comma-separated string (v3).
tf_filtered_yes(r) if count([x | some x in tenet.as_list(tenet.attr(r, "ip_range_filter", [])); trim_space(sprintf("%v", [x])) != ""]) > 0

tf_filtered_yes(r) if tenet.bool_attr(r, "is_virtual_network_filter_enabled", false) == true

yes_no(true) := "yes"

yes_no(false) := "no"
