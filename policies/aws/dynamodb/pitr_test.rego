package rules.aws.dynamodb.pitr_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.dynamodb.pitr as rule

test_missing_and_disabled_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_dynamodb_table", "a", {"name": "a"}),
		fixtures.resource("aws_dynamodb_table", "b", {"point_in_time_recovery": [{"enabled": false}]}),
	]}
	{f.attribute | some f in findings} == {"point_in_time_recovery", "point_in_time_recovery[0].enabled"}
}

test_enabled_passes if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_dynamodb_table", "a", {"point_in_time_recovery": [{"enabled": true}]})]}
}

test_unknown_is_undetermined if {
	t := fixtures.with_unknown(fixtures.resource("aws_dynamodb_table", "a", {"point_in_time_recovery": [{}]}), ["point_in_time_recovery[0].enabled"])
	count(rule.deny) == 0 with input as {"resources": [t]}
	count(rule.undetermined) == 1 with input as {"resources": [t]}
}
