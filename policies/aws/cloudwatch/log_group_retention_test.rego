package rules.aws.cloudwatch.log_group_retention_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudwatch.log_group_retention as rule

groups := [
	fixtures.resource("aws_cloudwatch_log_group", "week", {"retention_in_days": 7}),
	fixtures.resource("aws_cloudwatch_log_group", "quarter", {"retention_in_days": "90"}),
	fixtures.resource("aws_cloudwatch_log_group", "year", {"retention_in_days": 365}),
	fixtures.resource("aws_cloudwatch_log_group", "forever", {"retention_in_days": 0}),
	fixtures.resource("aws_cloudwatch_log_group", "unset", {}),
]

test_default_minimum_is_a_year if {
	findings := rule.deny with input as {"resources": groups}
	count(findings) == 2
	some f in findings
	contains(f.message, "less than the required 365")
}

test_minimum_can_be_overridden if {
	count(rule.deny) == 1 with input as {"resources": groups} with data.config.min_log_retention_days as 30
	count(rule.deny) == 3 with input as {"resources": groups} with data.config.min_log_retention_days as 400
}

test_unknown_retention_is_undetermined if {
	g := fixtures.with_unknown(fixtures.resource("aws_cloudwatch_log_group", "g", {}), ["retention_in_days"])
	count(rule.deny) == 0 with input as {"resources": [g]}
	count(rule.undetermined) == 1 with input as {"resources": [g]}
}
