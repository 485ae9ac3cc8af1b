# METADATA
# title: Azure SQL audit logs are kept long enough
# description: >-
#   Audit records answer who read or changed data only while they are kept; an investigation,
#   a breach notification or an auditor asking about last year needs the trail to reach back
#   that far (PCI DSS asks for twelve months). An enabled server or database auditing setting
#   whose `retentionDays` (Terraform `retention_in_days`) is between 1 and
#   `min_log_retention_days` (default 365) is reported; 0 or absent means the records in the
#   storage account are kept without limit. The setting only governs the storage account
#   destination: retention in a Log Analytics workspace or an Event Hub consumer is configured
#   there and is not seen by this rule.
# scope: package
# custom:
#   id: azure-sql-audit-retention
#   check: log-retention
#   severity: medium
#   resource_types:
#     - Microsoft.Sql/servers/auditingSettings
#     - Microsoft.Sql/servers/extendedAuditingSettings
#     - Microsoft.Sql/servers/databases/auditingSettings
#     - Microsoft.Sql/servers/databases/extendedAuditingSettings
#     - azurerm_mssql_server_extended_auditing_policy
#     - azurerm_mssql_database_extended_auditing_policy
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)"]
#     pci-dss-4.0: ["10.5.1"]
#   params:
#     min_log_retention_days: 365
#   remediation: >-
#     ARM/Bicep: set `properties.retentionDays` of the auditing setting to at least the
#     required days (or 0 to keep records without limit). Terraform: set `retention_in_days`
#     likewise on the extended auditing policy.
package rules.azure.sql.audit_retention

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_types := [
	"Microsoft.Sql/servers/auditingSettings",
	"Microsoft.Sql/servers/extendedAuditingSettings",
	"Microsoft.Sql/servers/databases/auditingSettings",
	"Microsoft.Sql/servers/databases/extendedAuditingSettings",
]

tf_types := ["azurerm_mssql_server_extended_auditing_policy", "azurerm_mssql_database_extended_auditing_policy"]

min_days := object.get(object.get(data, "config", {}), "min_log_retention_days", 365)

too_short(v) if {
	n := tenet.number(v)
	n > 0
	n < min_days
}

deny contains tenet.finding(r, msg, "properties.retentionDays") if {
	some t in arm_types
	some r in tenet.of_input_type(t)
	lower(sprintf("%v", [azure.prop(r, "state", "Disabled")])) == "enabled"
	v := azure.prop(r, "retentionDays", 0)
	too_short(v)
	msg := sprintf("auditing setting %q keeps audit records %v days, fewer than the required %v", [r.name, v, min_days])
}

undetermined contains tenet.finding(r, msg, "properties.retentionDays") if {
	some t in arm_types
	some r in tenet.of_input_type(t)
	azure.prop_unknown(r, "retentionDays")
	not lower(sprintf("%v", [azure.prop(r, "state", "Disabled")])) == "disabled"
	msg := sprintf("retentionDays of auditing setting %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "properties.state") if {
	some t in arm_types
	some r in tenet.of_input_type(t)
	azure.prop_unknown(r, "state")
	too_short(azure.prop(r, "retentionDays", 0))
	msg := sprintf("auditing setting %q keeps records too briefly if enabled, and its state is not known before deployment", [r.name])
}

deny contains tenet.finding(r, msg, "retention_in_days") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	tenet.bool_attr(r, "enabled", true) == true
	v := tenet.attr(r, "retention_in_days", 0)
	too_short(v)
	msg := sprintf("%s %q keeps audit records %v days, fewer than the required %v", [t, r.name, v, min_days])
}

undetermined contains tenet.finding(r, msg, "retention_in_days") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	tenet.is_unknown(r, "retention_in_days")
	not tenet.bool_attr(r, "enabled", true) == false
	msg := sprintf("retention_in_days of %s %q is not known before apply", [t, r.name])
}

undetermined contains tenet.finding(r, msg, "enabled") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	tenet.is_unknown(r, "enabled")
	too_short(tenet.attr(r, "retention_in_days", 0))
	msg := sprintf("%s %q keeps records too briefly if enabled, and enabled is not known before apply", [t, r.name])
}
