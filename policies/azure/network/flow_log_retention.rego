# METADATA
# title: Network Watcher flow logs are kept long enough
# description: >-
#   Flow logs answer which hosts an attacker reached and where data went only while they are
#   kept; investigations often start months after the intrusion, and PCI DSS asks for twelve
#   months of history. An enabled flow log whose retention policy is enabled with `days`
#   between 1 and `min_log_retention_days` (default 365) is reported. Days 0, or a disabled
#   retention policy, keep the logs in the storage account without limit. Retention applied
#   elsewhere (storage lifecycle rules, the Traffic Analytics workspace) is not seen.
# scope: package
# custom:
#   id: azure-network-flow-log-retention
#   check: log-retention
#   severity: medium
#   resource_types: [Microsoft.Network/networkWatchers/flowLogs, azurerm_network_watcher_flow_log]
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)"]
#     pci-dss-4.0: ["10.5.1"]
#   params:
#     min_log_retention_days: 365
#   remediation: >-
#     ARM/Bicep: set `properties.retentionPolicy.days` to at least the required days (or 0 to
#     keep logs without limit). Terraform: set `days` in the `retention_policy` block likewise.
package rules.azure.network.flow_log_retention

import rego.v1

import data.lib.tenet

min_days := object.get(object.get(data, "config", {}), "min_log_retention_days", 365)

# [resource, path of the retention object, retention object, path of the enabled flag, flag]
policies contains [r, "properties.retentionPolicy", object.get(r.attributes, ["properties", "retentionPolicy"], {}), "properties.enabled", object.get(r.attributes, ["properties", "enabled"], true)] if {
	some r in tenet.of_input_type("Microsoft.Network/networkWatchers/flowLogs")
}

policies contains [r, sprintf("retention_policy[%d]", [i]), p, "enabled", object.get(r.attributes, "enabled", true)] if {
	some r in tenet.of_input_type("azurerm_network_watcher_flow_log")
	some i, p in tenet.blocks(object.get(r.attributes, "retention_policy", []))
	is_object(p)
}

deny contains tenet.finding(r, msg, concat(".", [base, "days"])) if {
	some [r, base, p, flag_path, on] in policies
	tenet.to_bool(on) == true
	not tenet.is_unknown(r, flag_path)
	tenet.to_bool(object.get(p, "enabled", false)) == true
	days := tenet.number(object.get(p, "days", 0))
	days > 0
	days < min_days
	msg := sprintf("flow log %q deletes its records after %v days, fewer than the required %v", [r.name, days, min_days])
}

undetermined contains tenet.finding(r, msg, base) if {
	some [r, base, p, flag_path, on] in policies
	not tenet.to_bool(on) == false
	some path in [base, flag_path]
	tenet.is_unknown(r, path)
	msg := sprintf("the retention of flow log %q depends on values not known before deployment", [r.name])
}
