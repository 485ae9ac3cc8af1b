package rules.aws.rds.multi_az_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.rds.multi_az as rule

test_single_az_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("aws_db_instance", "a", {"engine": "postgres"}),
		fixtures.resource("aws_db_instance", "b", {"engine": "mysql", "multi_az": false}),
	]}
}

test_multi_az_replicas_and_aurora_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_db_instance", "a", {"engine": "postgres", "multi_az": true}),
		fixtures.resource("aws_db_instance", "replica", {"replicate_source_db": "a"}),
		fixtures.resource("aws_db_instance", "aurora", {"engine": "aurora-mysql"}),
	]}
}

test_unknown_values_are_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_db_instance", "a", {"engine": "postgres"}), ["multi_az"])
	b := fixtures.with_unknown(fixtures.resource("aws_db_instance", "b", {}), ["engine"])
	count(rule.deny) == 0 with input as {"resources": [a, b]}
	count(rule.undetermined) == 2 with input as {"resources": [a, b]}
}
