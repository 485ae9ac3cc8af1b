package rules.azure.sql.audit_retention_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.sql.audit_retention as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

deny_with(resources, days) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.config.min_log_retention_days as days
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

setting(props) := fixtures.arm_resource("Microsoft.Sql/servers/auditingSettings", "sqlsrv/default", "2023-08-01", props)

tf(attrs) := fixtures.resource("azurerm_mssql_server_extended_auditing_policy", "audit", attrs)

test_arm_short_retention_fires if {
	some f in deny([setting({"state": "Enabled", "retentionDays": 90})])
	f.attribute == "properties.retentionDays"
	contains(f.message, "90 days")
}

test_arm_long_unlimited_absent_and_disabled_pass if {
	count(deny([
		setting({"state": "Enabled", "retentionDays": 365}),
		setting({"state": "Enabled", "retentionDays": 0}),
		setting({"state": "Enabled"}),
		setting({"state": "Disabled", "retentionDays": 7}),
	])) == 0
}

test_override if {
	count(deny_with([setting({"state": "Enabled", "retentionDays": 90})], 90)) == 0
	count(deny_with([tf({"retention_in_days": 89})], 90)) == 1
	count(deny_with([setting({"state": "Enabled", "retentionDays": 400})], 730)) == 1
}

test_tf if {
	some f in deny([tf({"retention_in_days": 30})])
	f.attribute == "retention_in_days"
	count(deny([tf({}), tf({"retention_in_days": 0}), tf({"retention_in_days": 400}), tf({"enabled": false, "retention_in_days": 1})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(setting({"state": "Enabled"}), ["properties.retentionDays"])
	b := fixtures.with_unknown(setting({"retentionDays": 30}), ["properties.state"])
	t := fixtures.with_unknown(tf({}), ["retention_in_days"])
	count(deny([a, b, t])) == 0
	count(undetermined([a, b, t])) == 3
	count(undetermined([fixtures.with_unknown(tf({"enabled": false}), ["retention_in_days"])])) == 0
}
