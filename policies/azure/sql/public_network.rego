# METADATA
# title: Azure SQL servers are not open to the whole internet
# description: >-
#   A SQL server whose public endpoint is enabled and whose firewall admits 0.0.0.0 to
#   255.255.255.255 can be reached, and its logins brute-forced, from any address on the
#   internet; only credentials then stand between an attacker and the data. A firewall rule
#   spanning the whole IPv4 space is reported when its server keeps public network access
#   (`publicNetworkAccess` absent or Enabled; `public_network_access_enabled` absent or true).
#   The rule 0.0.0.0 to 0.0.0.0 ("allow Azure services") is not reported: it admits Azure
#   hosted clients, not the internet at large, and narrower ranges are taken as deliberate
#   allow-lists.
# scope: package
# custom:
#   id: azure-sql-public-network
#   check: database-public
#   severity: critical
#   resource_types:
#     - Microsoft.Sql/servers
#     - Microsoft.Sql/servers/firewallRules
#     - azurerm_mssql_server
#     - azurerm_mssql_firewall_rule
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Remove the 0.0.0.0-255.255.255.255 firewall rule and allow only known client ranges, or
#     reach the server through a private endpoint and set `publicNetworkAccess: 'Disabled'`
#     (Terraform: `public_network_access_enabled = false`).
package rules.azure.sql.public_network

import rego.v1

import data.lib.azure
import data.lib.tenet

server := "Microsoft.Sql/servers"

fw_rule := "Microsoft.Sql/servers/firewallRules"

# --- ARM ---------------------------------------------------------------------------------

deny contains tenet.finding(fw, msg, "properties.startIpAddress") if {
	some fw in tenet.of_input_type(fw_rule)
	arm_whole_internet(fw)
	some s in azure.parents(fw, server)
	arm_public(s) == true
	msg := sprintf("firewall rule %q admits every IPv4 address (0.0.0.0-255.255.255.255) to SQL server %q, whose public network access is enabled", [fw.name, s.name])
}

undetermined contains tenet.finding(fw, msg, "properties") if {
	some fw in tenet.of_input_type(fw_rule)
	some key in ["startIpAddress", "endIpAddress"]
	azure.prop_unknown(fw, key)
	msg := sprintf("the address range of SQL firewall rule %q is not known before deployment", [fw.name])
}

undetermined contains tenet.finding(fw, msg, "properties.startIpAddress") if {
	some fw in tenet.of_input_type(fw_rule)
	arm_whole_internet(fw)
	count([s | some s in azure.parents(fw, server); s.mode == "managed"]) == 0
	msg := sprintf("firewall rule %q admits every IPv4 address, but its SQL server (and whether its public network access is enabled) is not known here", [fw.name])
}

undetermined contains tenet.finding(fw, msg, "properties.startIpAddress") if {
	some fw in tenet.of_input_type(fw_rule)
	arm_whole_internet(fw)
	some s in azure.parents(fw, server)
	azure.prop_unknown(s, "publicNetworkAccess")
	msg := sprintf("firewall rule %q admits every IPv4 address; whether SQL server %q keeps public network access is not known before deployment", [fw.name, s.name])
}

arm_whole_internet(fw) if azure.whole_internet_range(azure.prop(fw, "startIpAddress", null), azure.prop(fw, "endIpAddress", null))

# true/false; undefined when unknown. Only Enabled (the default) is public; Disabled and
# SecuredByPerimeter are not.
arm_public(s) := lower(sprintf("%v", [azure.prop(s, "publicNetworkAccess", "Enabled")])) == "enabled" if s.mode == "managed"

# --- Terraform ---------------------------------------------------------------------------

tf_fw := "azurerm_mssql_firewall_rule"

deny contains tenet.finding(fw, msg, "start_ip_address") if {
	some fw in tenet.of_input_type(tf_fw)
	tf_whole_internet(fw)
	some s in tf_servers(fw)
	tenet.bool_attr(s, "public_network_access_enabled", true) == true
	msg := sprintf("%s %q admits every IPv4 address (0.0.0.0-255.255.255.255) to azurerm_mssql_server %q, whose public network access is enabled", [tf_fw, fw.name, s.name])
}

undetermined contains tenet.finding(fw, msg, key) if {
	some fw in tenet.of_input_type(tf_fw)
	some key in ["start_ip_address", "end_ip_address"]
	tenet.is_unknown(fw, key)
	msg := sprintf("the address range of %s %q is not known before apply", [tf_fw, fw.name])
}

undetermined contains tenet.finding(fw, msg, "server_id") if {
	some fw in tenet.of_input_type(tf_fw)
	tf_whole_internet(fw)
	count(tf_servers(fw)) == 0
	msg := sprintf("%s %q admits every IPv4 address, but its server (and whether its public network access is enabled) is not in this configuration", [tf_fw, fw.name])
}

undetermined contains tenet.finding(fw, msg, "start_ip_address") if {
	some fw in tenet.of_input_type(tf_fw)
	tf_whole_internet(fw)
	some s in tf_servers(fw)
	tenet.is_unknown(s, "public_network_access_enabled")
	msg := sprintf("%s %q admits every IPv4 address; whether azurerm_mssql_server %q keeps public network access is not known before apply", [tf_fw, fw.name, s.name])
}

tf_whole_internet(fw) if azure.whole_internet_range(tenet.attr(fw, "start_ip_address", null), tenet.attr(fw, "end_ip_address", null))

# The managed server the rule's server_id refers to directly.
tf_servers(fw) := [s |
	some ref in fw.refs
	ref.attribute == "server_id"
	ref.direct
	s := data.inventory.resources[ref.to]
	s.type == "azurerm_mssql_server"
	s.mode == "managed"
]
