# METADATA
# title: Azure SQL servers and managed instances require TLS 1.2 or newer
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses; a SQL server that still accepts them lets a client,
#   or an attacker who downgrades the connection, carry credentials and query results over a
#   protocol that PCI DSS and current guidance no longer accept. In ARM, Bicep and live Azure,
#   `minimalTlsVersion` absent or `None` enforces no minimum, so the template must state 1.2 or
#   newer itself. The azurerm provider sends "1.2" when `minimum_tls_version` is absent, so only
#   an explicit older value or "Disabled" is reported there.
# scope: package
# custom:
#   id: azure-sql-min-tls
#   check: tls-min-version
#   severity: medium
#   resource_types:
#     - Microsoft.Sql/servers
#     - Microsoft.Sql/managedInstances
#     - azurerm_mssql_server
#     - azurerm_mssql_managed_instance
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     ARM/Bicep: set `properties.minimalTlsVersion: '1.2'` on the server or managed instance.
#     Terraform: set `minimum_tls_version = "1.2"` (or remove an older value or "Disabled").
#     Check first that no client driver still connects with TLS 1.0 or 1.1.
package rules.azure.sql.min_tls

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_types := {"Microsoft.Sql/servers": "SQL server", "Microsoft.Sql/managedInstances": "SQL managed instance"}

tf_types := ["azurerm_mssql_server", "azurerm_mssql_managed_instance"]

weak := {"1.0", "1.1", "none", "disabled"}

deny contains tenet.finding(r, msg, "properties.minimalTlsVersion") if {
	some t, label in arm_types
	some r in tenet.of_input_type(t)
	azure.prop(r, "minimalTlsVersion", null) == null
	msg := sprintf("%s %q does not set minimalTlsVersion: no minimum TLS version is enforced", [label, r.name])
}

deny contains tenet.finding(r, msg, "properties.minimalTlsVersion") if {
	some t, label in arm_types
	some r in tenet.of_input_type(t)
	v := azure.prop(r, "minimalTlsVersion", null)
	lower(trim_space(sprintf("%v", [v]))) in weak
	msg := sprintf("%s %q sets minimalTlsVersion %v: clients may connect with TLS below 1.2", [label, r.name, v])
}

deny contains tenet.finding(r, msg, "minimum_tls_version") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	v := tenet.attr(r, "minimum_tls_version", "1.2")
	lower(trim_space(sprintf("%v", [v]))) in weak
	msg := sprintf("%s %q sets minimum_tls_version = %q: clients may connect with TLS below 1.2", [t, r.name, v])
}

undetermined contains tenet.finding(r, msg, "properties.minimalTlsVersion") if {
	some t, label in arm_types
	some r in tenet.of_input_type(t)
	azure.prop_unknown(r, "minimalTlsVersion")
	msg := sprintf("minimalTlsVersion of %s %q is not known before deployment", [label, r.name])
}

undetermined contains tenet.finding(r, msg, "minimum_tls_version") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	tenet.is_unknown(r, "minimum_tls_version")
	msg := sprintf("minimum_tls_version of %s %q is not known before apply", [t, r.name])
}
