package rules.azure.sql.min_tls_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.sql.min_tls as rule

arm(props) := fixtures.arm_resource("Microsoft.Sql/servers", "sqlsrv", "2023-08-01", props)

mi(props) := fixtures.arm_resource("Microsoft.Sql/managedInstances", "sqlmi", "2023-08-01", props)

tf(attrs) := fixtures.resource("azurerm_mssql_server", "sql", attrs)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_old_none_and_absent_fire if {
	count(deny([arm({"minimalTlsVersion": "1.0"})])) == 1
	count(deny([arm({"minimalTlsVersion": "1.1"})])) == 1
	count(deny([arm({"minimalTlsVersion": "None"})])) == 1
	some f in deny([mi({})])
	contains(f.message, "does not set minimalTlsVersion")
}

test_arm_12_and_13_pass if {
	count(deny([arm({"minimalTlsVersion": "1.2"}), arm({"minimalTlsVersion": "1.3"}), mi({"minimalTlsVersion": "1.2"})])) == 0
}

test_tf if {
	some f in deny([tf({"minimum_tls_version": "1.1"})])
	f.attribute == "minimum_tls_version"
	count(deny([tf({"minimum_tls_version": "Disabled"})])) == 1
	count(deny([tf({}), tf({"minimum_tls_version": "1.2"})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(arm({}), ["properties.minimalTlsVersion"])
	t := fixtures.with_unknown(tf({}), ["minimum_tls_version"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
