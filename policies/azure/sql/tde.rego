# METADATA
# title: Azure SQL databases keep transparent data encryption on
# description: >-
#   Transparent data encryption (TDE) encrypts a database's files, backups and transaction log
#   at rest, so stolen media or a copied backup does not expose its records. Azure SQL
#   Database turns TDE on for every newly created database (since 2017), so only a
#   configuration that switches it off is reported: a
#   `Microsoft.Sql/servers/databases/transparentDataEncryption` whose state is Disabled (or
#   `status` in the 2014-04-01 API), or an `azurerm_mssql_database` with
#   `transparent_data_encryption_enabled = false` (the provider's default is true).
# scope: package
# custom:
#   id: azure-sql-tde
#   check: database-encryption
#   severity: high
#   resource_types: [Microsoft.Sql/servers/databases/transparentDataEncryption, azurerm_mssql_database]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: >-
#     ARM/Bicep: set `properties.state: 'Enabled'` on the database's
#     `transparentDataEncryption` child named `current` (or remove the child). Terraform:
#     remove `transparent_data_encryption_enabled = false` or set it to true.
package rules.azure.sql.tde

import rego.v1

import data.lib.azure
import data.lib.tenet

tde := "Microsoft.Sql/servers/databases/transparentDataEncryption"

deny contains tenet.finding(r, msg, azure.prop_path(key)) if {
	some r in tenet.of_input_type(tde)
	some key in ["state", "status"]
	v := azure.prop(r, key, "Enabled")
	lower(sprintf("%v", [v])) == "disabled"
	msg := sprintf("transparent data encryption %q is Disabled: the database is stored unencrypted", [r.name])
}

deny contains tenet.finding(r, msg, "transparent_data_encryption_enabled") if {
	some r in tenet.of_input_type("azurerm_mssql_database")
	tenet.bool_attr(r, "transparent_data_encryption_enabled", true) == false
	msg := sprintf("azurerm_mssql_database %q sets transparent_data_encryption_enabled = false: the database is stored unencrypted", [r.name])
}

undetermined contains tenet.finding(r, msg, azure.prop_path(key)) if {
	some r in tenet.of_input_type(tde)
	some key in ["state", "status"]
	azure.prop_unknown(r, key)
	msg := sprintf("the %s of transparent data encryption %q is not known before deployment", [key, r.name])
}

undetermined contains tenet.finding(r, msg, "transparent_data_encryption_enabled") if {
	some r in tenet.of_input_type("azurerm_mssql_database")
	tenet.is_unknown(r, "transparent_data_encryption_enabled")
	msg := sprintf("transparent_data_encryption_enabled of azurerm_mssql_database %q is not known before apply", [r.name])
}
