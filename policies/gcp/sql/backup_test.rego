package rules.gcp.sql.backup_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.backup as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_no_backups_fires if {
	none := fixtures.resource("google_sql_database_instance", "none", {"settings": [{"tier": "db-f1-micro"}]})
	off := fixtures.resource("google_sql_database_instance", "off", {"settings": [{"backup_configuration": [{"enabled": false}]}]})
	count(deny([none, off])) == 2
}

test_backups_and_replicas_pass if {
	on := fixtures.resource("google_sql_database_instance", "on", {"settings": [{"backup_configuration": [{"enabled": true}]}]})
	replica := fixtures.resource("google_sql_database_instance", "replica", {"master_instance_name": "primary", "settings": [{"tier": "db-f1-micro"}]})
	count(deny([on, replica])) == 0
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("google_sql_database_instance", "u", {"settings": [{"backup_configuration": [{}]}]}), ["settings[0].backup_configuration[0].enabled"])
	count(deny([r])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
}
