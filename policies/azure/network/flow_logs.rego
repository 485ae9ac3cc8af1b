# METADATA
# title: Network Watcher flow logs are enabled
# description: >-
#   Flow logs record which addresses talked to which over which ports through a network
#   security group or virtual network; without them an intrusion, a data exfiltration or a
#   lateral movement leaves no network trace to detect or investigate it. A flow log resource
#   that is declared but switched off gives false assurance, so a
#   `Microsoft.Network/networkWatchers/flowLogs` with `enabled: false` (Terraform
#   `azurerm_network_watcher_flow_log` with `enabled = false`) is reported. Networks with no
#   flow log at all are not detected by this rule.
# scope: package
# custom:
#   id: azure-network-flow-logs
#   check: flow-logs
#   severity: medium
#   resource_types: [Microsoft.Network/networkWatchers/flowLogs, azurerm_network_watcher_flow_log]
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: >-
#     ARM/Bicep: set `properties.enabled: true` on the flow log. Terraform: set
#     `enabled = true` on the `azurerm_network_watcher_flow_log`.
package rules.azure.network.flow_logs

import rego.v1

import data.lib.azure
import data.lib.tenet

deny contains tenet.finding(r, msg, "properties.enabled") if {
	some r in tenet.of_input_type("Microsoft.Network/networkWatchers/flowLogs")
	azure.bool_prop(r, "enabled", true) == false
	msg := sprintf("flow log %q is disabled: traffic through its network is not recorded", [r.name])
}

deny contains tenet.finding(r, msg, "enabled") if {
	some r in tenet.of_input_type("azurerm_network_watcher_flow_log")
	tenet.bool_attr(r, "enabled", true) == false
	msg := sprintf("azurerm_network_watcher_flow_log %q sets enabled = false: traffic through its network is not recorded", [r.name])
}

undetermined contains tenet.finding(r, msg, "properties.enabled") if {
	some r in tenet.of_input_type("Microsoft.Network/networkWatchers/flowLogs")
	azure.prop_unknown(r, "enabled")
	msg := sprintf("whether flow log %q is enabled is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "enabled") if {
	some r in tenet.of_input_type("azurerm_network_watcher_flow_log")
	tenet.is_unknown(r, "enabled")
	msg := sprintf("enabled of azurerm_network_watcher_flow_log %q is not known before apply", [r.name])
}
