package rules.azure.sql.auditing_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.sql.auditing as rule

server := fixtures.arm_resource("Microsoft.Sql/servers", "sqlsrv", "2023-08-01", {"administratorLogin": "dba"})

setting(name, state) := fixtures.arm_resource("Microsoft.Sql/servers/auditingSettings", name, "2023-08-01", {"state": state, "isAzureMonitorTargetEnabled": true})

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_server_without_auditing_fires if {
	some f in deny([server])
	f.resource_id == server.id
}

test_child_by_parent_ref_passes if {
	a := fixtures.with_parent(setting("default", "Enabled"), server)
	count(deny([server, a])) == 0
}

test_child_by_arm_name_passes if {
	count(deny([server, setting("SqlSrv/default", "Enabled")])) == 0
	ext := fixtures.arm_resource("Microsoft.Sql/servers/extendedAuditingSettings", "sqlsrv/default", "2023-08-01", {"state": "Enabled"})
	count(deny([server, ext])) == 0
}

test_child_of_another_server_does_not_count if {
	some f in deny([server, setting("other/default", "Enabled")])
	f.resource_id == server.id
}

test_disabled_setting_fires_on_the_setting if {
	a := fixtures.with_parent(setting("default", "Disabled"), server)
	findings := deny([server, a])
	count(findings) == 1
	some f in findings
	f.resource_id == a.id
	f.attribute == "properties.state"
}

test_unknown_state_is_undetermined if {
	a := fixtures.with_unknown(fixtures.with_parent(setting("default", null), server), ["properties.state"])
	count(deny([server, a])) == 0
	count(undetermined([server, a])) == 1
}

test_setting_for_an_unknown_server_is_undetermined if {
	a := fixtures.with_unknown(object.union(setting("x", "Enabled"), {"attributes": {"name": null}}), ["name"])
	count(deny([server, a])) == 0
	some f in undetermined([server, a])
	f.resource_id == server.id
}

tf_server := fixtures.resource("azurerm_mssql_server", "sql", {"name": "sqlsrv", "version": "12.0"})

tf_policy(attrs) := fixtures.with_unknown(
	fixtures.with_refs(fixtures.resource("azurerm_mssql_server_extended_auditing_policy", "audit", attrs), [["server_id", tf_server]]),
	["server_id"],
)

test_tf_server_without_policy_fires if {
	some f in deny([tf_server])
	f.resource_id == tf_server.id
}

test_tf_policy_passes if {
	count(deny([tf_server, tf_policy({"log_monitoring_enabled": true})])) == 0
}

test_tf_disabled_policy_fires_on_the_policy if {
	p := tf_policy({"enabled": false})
	findings := deny([tf_server, p])
	count(findings) == 1
	some f in findings
	f.resource_id == p.id
}

test_tf_policy_that_may_not_exist_is_undetermined if {
	p := fixtures.with_unknown(tf_policy({}), ["count", "server_id"])
	count(deny([tf_server, p])) == 0
	count(undetermined([tf_server, p])) == 1
}

test_tf_policy_with_unknown_server_is_undetermined if {
	p := fixtures.with_unknown(fixtures.resource("azurerm_mssql_server_extended_auditing_policy", "audit", {}), ["server_id"])
	count(deny([tf_server, p])) == 0
	count(undetermined([tf_server, p])) == 1
}
