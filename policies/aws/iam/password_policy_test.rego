package rules.aws.iam.password_policy_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.iam.password_policy as rule

strong := fixtures.resource("aws_iam_account_password_policy", "strong", {
	"minimum_password_length": 16,
	"password_reuse_prevention": 24,
	"require_numbers": true,
	"require_uppercase_characters": true,
})

test_strong_policy_passes if {
	count(rule.deny) == 0 with input as {"resources": [strong]}
}

test_default_policy_fails_every_check if {
	findings := rule.deny with input as {"resources": [fixtures.resource("aws_iam_account_password_policy", "weak", {})]}
	{f.attribute | some f in findings} == {"minimum_password_length", "password_reuse_prevention", "require_numbers", "require_lowercase_characters"}
}

test_thresholds_are_parameters if {
	count(rule.deny) == 1 with input as {"resources": [strong]} with data.config.min_password_length as 20
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_iam_account_password_policy", "p", {
		"minimum_password_length": 12, "password_reuse_prevention": 5, "require_numbers": true, "require_lowercase_characters": "true",
	})]}
		with data.config.min_password_length as 12
		with data.config.min_password_reuse_prevention as 4
}

test_unknown_values_are_undetermined if {
	p := fixtures.with_unknown(fixtures.resource("aws_iam_account_password_policy", "p", {"password_reuse_prevention": 24, "require_numbers": true, "require_lowercase_characters": true}), ["minimum_password_length"])
	count(rule.deny) == 0 with input as {"resources": [p]}
	count(rule.undetermined) == 1 with input as {"resources": [p]}
}
