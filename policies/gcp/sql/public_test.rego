package rules.gcp.sql.public_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.public as rule

instance(ip) := fixtures.resource("google_sql_database_instance", "db", {"database_version": "POSTGRES_15", "settings": [{"tier": "db-f1-micro", "ip_configuration": [ip]}]})

test_open_authorized_network_fires if {
	r := instance({"authorized_networks": [{"name": "office", "value": "203.0.113.0/24"}, {"name": "all", "value": "0.0.0.0/0"}]})
	some f in rule.deny with input as {"resources": [r]}
	f.attribute == "settings[0].ip_configuration[0].authorized_networks[1].value"
}

test_private_or_restricted_passes if {
	restricted := instance({"authorized_networks": [{"value": "203.0.113.0/24"}]})
	private := instance({"ipv4_enabled": false, "private_network": "projects/p/global/networks/n", "authorized_networks": [{"value": "0.0.0.0/0"}]})
	count(rule.deny) == 0 with input as {"resources": [restricted, private]}
	count(rule.undetermined) == 0 with input as {"resources": [restricted, private]}
}

test_unknown_network_is_undetermined if {
	r := fixtures.with_unknown(instance({"authorized_networks": [{"name": "x"}]}), ["settings[0].ip_configuration[0].authorized_networks[0].value"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_unknown_ip_configuration_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("google_sql_database_instance", "db", {"settings": [{"tier": "x"}]}), ["settings[0].ip_configuration"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}
