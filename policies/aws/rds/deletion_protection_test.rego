package rules.aws.rds.deletion_protection_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.rds.deletion_protection as rule

test_unprotected_fire if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("aws_db_instance", "a", {}),
		fixtures.resource("aws_rds_cluster", "b", {"deletion_protection": false}),
	]}
}

test_protected_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_db_instance", "a", {"deletion_protection": true}),
		fixtures.resource("aws_rds_cluster", "b", {"deletion_protection": "true"}),
	]}
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_db_instance", "a", {}), ["deletion_protection"])
	count(rule.deny) == 0 with input as {"resources": [a]}
	count(rule.undetermined) == 1 with input as {"resources": [a]}
}
