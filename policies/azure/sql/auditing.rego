# METADATA
# title: Azure SQL servers have auditing enabled
# description: >-
#   Server-level auditing records who connected to every database on the server and what they
#   ran, in a log outside the database. Without it, a data breach, a misused privileged account
#   or a tampered record leaves no trail to detect, investigate or report it, which every
#   framework's logging requirement assumes. Auditing is off until an auditing setting enables
#   it, so a server is reported when no `Microsoft.Sql/servers/auditingSettings` (or
#   `extendedAuditingSettings`) child of it is declared, or, in Terraform, no
#   `azurerm_mssql_server_extended_auditing_policy` refers to it; a setting whose state is
#   Disabled (`enabled = false`) is reported itself. Children are found through their parent
#   reference (nesting, Bicep `parent:`, `dependsOn`, `server_id`) or an ARM name of the form
#   `<server>/default`. Database-level auditing is not considered.
# scope: package
# custom:
#   id: azure-sql-auditing
#   check: database-audit-logging
#   severity: medium
#   resource_types:
#     - Microsoft.Sql/servers
#     - Microsoft.Sql/servers/auditingSettings
#     - Microsoft.Sql/servers/extendedAuditingSettings
#     - azurerm_mssql_server
#     - azurerm_mssql_server_extended_auditing_policy
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32, Art.33]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: >-
#     ARM/Bicep: add a `Microsoft.Sql/servers/auditingSettings` child named `default` with
#     `properties.state: 'Enabled'` and a destination (`isAzureMonitorTargetEnabled: true`, or
#     `storageEndpoint`) and a `retentionDays` of at least 90. Terraform: add an
#     `azurerm_mssql_server_extended_auditing_policy` with `server_id` set to the server's id
#     (and `enabled` left true), sending to Log Analytics or a storage account.
package rules.azure.sql.auditing

import rego.v1

import data.lib.azure
import data.lib.tenet

server := "Microsoft.Sql/servers"

setting_types := ["Microsoft.Sql/servers/auditingSettings", "Microsoft.Sql/servers/extendedAuditingSettings"]

tf_policy := "azurerm_mssql_server_extended_auditing_policy"

# --- ARM ---------------------------------------------------------------------------------

deny contains tenet.finding(s, msg, "") if {
	some s in tenet.of_input_type(server)
	count(arm_settings(s)) == 0
	not arm_unresolved(s)
	msg := sprintf("SQL server %q declares no auditing setting (no Microsoft.Sql/servers/auditingSettings child with state Enabled): auditing is off", [s.name])
}

deny contains tenet.finding(a, msg, "properties.state") if {
	some t in setting_types
	some a in tenet.of_input_type(t)
	state := azure.prop(a, "state", "Disabled")
	lower(sprintf("%v", [state])) != "enabled"
	msg := sprintf("%s %q sets state %v: the server is not audited", [t, a.name, state])
}

undetermined contains tenet.finding(a, msg, "properties.state") if {
	some t in setting_types
	some a in tenet.of_input_type(t)
	azure.prop_unknown(a, "state")
	msg := sprintf("the state of %s %q is not known before deployment", [t, a.name])
}

undetermined contains tenet.finding(s, msg, "") if {
	some s in tenet.of_input_type(server)
	count(arm_settings(s)) == 0
	arm_unresolved(s)
	msg := sprintf("an auditing setting in this template may belong to SQL server %q, but which server it configures (or whether it exists) is not known before deployment", [s.name])
}

arm_settings(s) := [a | some t in setting_types; some a in azure.children(s, t)]

arm_unresolved(s) if {
	some t in setting_types
	azure.unresolved_child(s, t)
}

# --- Terraform ---------------------------------------------------------------------------

deny contains tenet.finding(s, msg, "") if {
	some s in tenet.of_input_type("azurerm_mssql_server")
	not inline_policy(s)
	not tenet.is_unknown(s, "extended_auditing_policy")
	count(tf_policies(s)) == 0
	not tf_unresolved(s)
	msg := sprintf("azurerm_mssql_server %q has no %s referring to it: auditing is off", [s.name, tf_policy])
}

deny contains tenet.finding(p, msg, "enabled") if {
	some p in tenet.of_input_type(tf_policy)
	tenet.bool_attr(p, "enabled", true) == false
	msg := sprintf("%s %q sets enabled = false: the server is not audited", [tf_policy, p.name])
}

undetermined contains tenet.finding(p, msg, "enabled") if {
	some p in tenet.of_input_type(tf_policy)
	tenet.is_unknown(p, "enabled")
	msg := sprintf("enabled of %s %q is not known before apply", [tf_policy, p.name])
}

undetermined contains tenet.finding(s, msg, "") if {
	some s in tenet.of_input_type("azurerm_mssql_server")
	not inline_policy(s)
	count(tf_policies(s)) == 0
	tf_unknown(s)
	msg := sprintf("whether azurerm_mssql_server %q is audited depends on values not known before apply", [s.name])
}

# Policies that certainly exist and whose server_id is this server.
tf_policies(s) := [p |
	some e in object.get(data.inventory.referrers, s.id, [])
	e.attribute == "server_id"
	e.direct
	p := data.inventory.resources[e.from]
	p.type == tf_policy
	not tenet.maybe_absent(p)
]

tf_unknown(s) if tenet.is_unknown(s, "extended_auditing_policy")

tf_unknown(s) if tf_unresolved(s)

# A policy refers to this server but might not exist, or a policy of the module has a server
# that is not known and not a direct reference.
tf_unresolved(s) if {
	some e in object.get(data.inventory.referrers, s.id, [])
	e.attribute == "server_id"
	p := data.inventory.resources[e.from]
	p.type == tf_policy
	tenet.maybe_absent(p)
}

tf_unresolved(s) if {
	some p in tenet.of_type(tf_policy)
	tenet.module_dir(p) == tenet.module_dir(s)
	tenet.is_unknown(p, "server_id")
	not direct_server_ref(p)
}

direct_server_ref(p) if {
	some ref in p.refs
	ref.attribute == "server_id"
	ref.direct
}

# Provider v2 also accepted an inline extended_auditing_policy block on the server.
inline_policy(s) if count(tenet.blocks(tenet.attr(s, "extended_auditing_policy", []))) > 0
