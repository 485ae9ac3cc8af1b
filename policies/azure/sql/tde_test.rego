package rules.azure.sql.tde_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.sql.tde as rule

tde(props) := fixtures.arm_resource("Microsoft.Sql/servers/databases/transparentDataEncryption", "sqlsrv/appdb/current", "2023-08-01", props)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_disabled_fires if {
	some f in deny([tde({"state": "Disabled"})])
	f.attribute == "properties.state"
	count(deny([tde({"status": "Disabled"})])) == 1
}

test_arm_enabled_or_absent_passes if {
	count(deny([tde({"state": "Enabled"}), tde({})])) == 0
}

test_tf if {
	count(deny([fixtures.resource("azurerm_mssql_database", "db", {"transparent_data_encryption_enabled": false})])) == 1
	count(deny([fixtures.resource("azurerm_mssql_database", "db", {}), fixtures.resource("azurerm_mssql_database", "e", {"transparent_data_encryption_enabled": true})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(tde({}), ["properties.state"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_mssql_database", "db", {}), ["transparent_data_encryption_enabled"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
