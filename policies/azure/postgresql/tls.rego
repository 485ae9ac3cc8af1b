# METADATA
# title: Azure Database for PostgreSQL requires encrypted connections
# description: >-
#   A PostgreSQL server that accepts unencrypted connections lets passwords and query results
#   cross the network in clear text, readable by anyone on the path. Single servers
#   (`Microsoft.DBforPostgreSQL/servers`) are reported when `sslEnforcement` is Disabled
#   (Terraform `ssl_enforcement_enabled = false`); flexible servers enforce TLS through the
#   server parameter `require_secure_transport` (on by default), so a configuration that sets
#   it off is reported. Parameter values set outside the template (portal, CLI) are not seen.
# scope: package
# custom:
#   id: azure-postgres-tls
#   check: database-tls
#   severity: high
#   resource_types:
#     - Microsoft.DBforPostgreSQL/servers
#     - Microsoft.DBforPostgreSQL/flexibleServers/configurations
#     - azurerm_postgresql_server
#     - azurerm_postgresql_flexible_server_configuration
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     Single server: set `properties.sslEnforcement: 'Enabled'` (Terraform
#     `ssl_enforcement_enabled = true`). Flexible server: remove the `require_secure_transport`
#     configuration or set its value to `on`, and have clients connect with sslmode=require or
#     stricter.
package rules.azure.postgresql.tls

import rego.v1

import data.lib.azure
import data.lib.tenet

single := "Microsoft.DBforPostgreSQL/servers"

config := "Microsoft.DBforPostgreSQL/flexibleServers/configurations"

tf_single := "azurerm_postgresql_server"

tf_config := "azurerm_postgresql_flexible_server_configuration"

label := "PostgreSQL"

deny contains tenet.finding(r, msg, "properties.sslEnforcement") if {
	some r in tenet.of_input_type(single)
	lower(sprintf("%v", [azure.prop(r, "sslEnforcement", "Enabled")])) == "disabled"
	msg := sprintf("%s server %q sets sslEnforcement Disabled: clients may connect without TLS", [label, r.name])
}

deny contains tenet.finding(r, msg, "properties.value") if {
	some r in tenet.of_input_type(config)
	azure.leaf_name(r) == "require_secure_transport"
	v := azure.prop(r, "value", null)
	azure.switched_off(v)
	msg := sprintf("%s server parameter %q sets require_secure_transport to %v: clients may connect without TLS", [label, r.name, v])
}

deny contains tenet.finding(r, msg, "ssl_enforcement_enabled") if {
	some r in tenet.of_input_type(tf_single)
	tenet.bool_attr(r, "ssl_enforcement_enabled", true) == false
	msg := sprintf("%s %q sets ssl_enforcement_enabled = false: clients may connect without TLS", [tf_single, r.name])
}

# Provider v2 spelled it `ssl_enforcement = "Disabled"`.
deny contains tenet.finding(r, msg, "ssl_enforcement") if {
	some r in tenet.of_input_type(tf_single)
	lower(sprintf("%v", [tenet.attr(r, "ssl_enforcement", "Enabled")])) == "disabled"
	msg := sprintf("%s %q sets ssl_enforcement = Disabled: clients may connect without TLS", [tf_single, r.name])
}

deny contains tenet.finding(r, msg, "value") if {
	some r in tenet.of_input_type(tf_config)
	lower(sprintf("%v", [tenet.attr(r, "name", "")])) == "require_secure_transport"
	v := tenet.attr(r, "value", null)
	azure.switched_off(v)
	msg := sprintf("%s %q sets require_secure_transport to %v: clients may connect without TLS", [tf_config, r.name, v])
}

undetermined contains tenet.finding(r, msg, "properties.sslEnforcement") if {
	some r in tenet.of_input_type(single)
	azure.prop_unknown(r, "sslEnforcement")
	msg := sprintf("sslEnforcement of %s server %q is not known before deployment", [label, r.name])
}

undetermined contains tenet.finding(r, msg, "properties.value") if {
	some r in tenet.of_input_type(config)
	azure.leaf_name(r) == "require_secure_transport"
	azure.prop_unknown(r, "value")
	msg := sprintf("the value of %s server parameter %q is not known before deployment", [label, r.name])
}

undetermined contains tenet.finding(r, msg, "name") if {
	some r in tenet.of_input_type(config)
	tenet.is_unknown(r, "name")
	azure.switched_off(azure.prop(r, "value", null))
	msg := sprintf("%s server parameter %q is set off, and which parameter it is is not known before deployment", [label, r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type(tf_single)
	some key in ["ssl_enforcement_enabled", "ssl_enforcement"]
	tenet.is_unknown(r, key)
	msg := sprintf("%s of %s %q is not known before apply", [key, tf_single, r.name])
}

undetermined contains tenet.finding(r, msg, "value") if {
	some r in tenet.of_input_type(tf_config)
	lower(sprintf("%v", [tenet.attr(r, "name", "")])) == "require_secure_transport"
	tenet.is_unknown(r, "value")
	msg := sprintf("the value of %s %q is not known before apply", [tf_config, r.name])
}

undetermined contains tenet.finding(r, msg, "name") if {
	some r in tenet.of_input_type(tf_config)
	tenet.is_unknown(r, "name")
	azure.switched_off(tenet.attr(r, "value", null))
	msg := sprintf("%s %q sets a parameter off, and which parameter is not known before apply", [tf_config, r.name])
}
