package rules.gcp.sql.deletion_protection_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.deletion_protection as rule

test_unprotected_fires if {
	r := fixtures.resource("google_sql_database_instance", "db", {"deletion_protection": false, "settings": [{"tier": "db-f1-micro"}]})
	count(rule.deny) == 1 with input as {"resources": [r]}
}

test_protected_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("google_sql_database_instance", "default", {"settings": [{"tier": "db-f1-micro"}]}),
		fixtures.resource("google_sql_database_instance", "api", {"deletion_protection": false, "settings": [{"deletion_protection_enabled": true}]}),
	]}
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("google_sql_database_instance", "u", {"settings": [{}]}), ["deletion_protection"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}
