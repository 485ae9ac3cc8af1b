package rules.azure.mysql.tls_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.mysql.tls as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

single(props) := fixtures.arm_resource("Microsoft.DBforMySQL/servers", "my", "2017-12-01", props)

conf(name, value) := fixtures.arm_resource("Microsoft.DBforMySQL/flexibleServers/configurations", name, "2022-12-01", {"value": value, "source": "user-override"})

tf_conf(name, value) := fixtures.resource("azurerm_mysql_flexible_server_configuration", "c", {"name": name, "value": value})

test_arm_single_disabled_fires if {
	some f in deny([single({"sslEnforcement": "Disabled"})])
	f.attribute == "properties.sslEnforcement"
	count(deny([single({"sslEnforcement": "Enabled"}), single({})])) == 0
}

test_arm_flexible_parameter_off_fires if {
	count(deny([conf("myflex/require_secure_transport", "off")])) == 1
	count(deny([conf("require_secure_transport", "OFF")])) == 1
	count(deny([conf("myflex/require_secure_transport", "on"), conf("myflex/log_connections", "off")])) == 0
}

test_tf if {
	count(deny([fixtures.resource("azurerm_mysql_server", "my", {"ssl_enforcement_enabled": false})])) == 1
	count(deny([fixtures.resource("azurerm_mysql_server", "my", {"ssl_enforcement": "Disabled"})])) == 1
	count(deny([fixtures.resource("azurerm_mysql_server", "my", {"ssl_enforcement_enabled": true})])) == 0
	some f in deny([tf_conf("require_secure_transport", "off")])
	f.attribute == "value"
	count(deny([tf_conf("require_secure_transport", "on"), tf_conf("slow_query_log", "off")])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(single({}), ["properties.sslEnforcement"])
	b := fixtures.with_unknown(conf("myflex/require_secure_transport", null), ["properties.value"])
	c := fixtures.with_unknown(object.union(conf("x", "off"), {"attributes": {"name": null}}), ["name"])
	d := fixtures.with_unknown(tf_conf("require_secure_transport", null), ["value"])
	e := fixtures.with_unknown(fixtures.resource("azurerm_mysql_server", "my", {}), ["ssl_enforcement_enabled"])
	count(deny([a, b, c, d, e])) == 0
	count(undetermined([a, b, c, d, e])) == 5
}
