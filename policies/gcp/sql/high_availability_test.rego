package rules.gcp.sql.high_availability_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.high_availability as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_zonal_fires if {
	count(deny([
		fixtures.resource("google_sql_database_instance", "default", {"settings": [{"tier": "db-f1-micro"}]}),
		fixtures.resource("google_sql_database_instance", "zonal", {"settings": [{"availability_type": "ZONAL"}]}),
	])) == 2
}

test_regional_and_replica_pass if {
	count(deny([
		fixtures.resource("google_sql_database_instance", "ha", {"settings": [{"availability_type": "REGIONAL"}]}),
		fixtures.resource("google_sql_database_instance", "replica", {"master_instance_name": "ha", "settings": [{"tier": "db-f1-micro"}]}),
	])) == 0
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("google_sql_database_instance", "u", {"settings": [{}]}), ["settings[0].availability_type"])
	count(deny([r])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
}
