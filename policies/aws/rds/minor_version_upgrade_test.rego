package rules.aws.rds.minor_version_upgrade_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.rds.minor_version_upgrade as rule

test_disabled_upgrades_fire if {
	count(rule.deny) == 3 with input as {"resources": [
		fixtures.resource("aws_db_instance", "a", {"auto_minor_version_upgrade": false}),
		fixtures.resource("aws_rds_cluster_instance", "b", {"auto_minor_version_upgrade": "false"}),
		fixtures.resource("aws_rds_cluster", "c", {"auto_minor_version_upgrade": false}),
	]}
}

test_default_and_enabled_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_db_instance", "a", {}),
		fixtures.resource("aws_rds_cluster_instance", "b", {"auto_minor_version_upgrade": true}),
	]}
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_db_instance", "a", {}), ["auto_minor_version_upgrade"])
	count(rule.deny) == 0 with input as {"resources": [a]}
	count(rule.undetermined) == 1 with input as {"resources": [a]}
}
