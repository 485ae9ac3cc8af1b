package rules.aws.iam.root_account_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.iam.root_account as rule

summary(attrs) := fixtures.resource("aws_iam_account_summary", "account", attrs)

test_no_mfa_and_keys_fire_twice if {
	findings := rule.deny with input as {"resources": [summary({"account_mfa_enabled": false, "account_access_keys_present": true})]}
	{f.attribute | some f in findings} == {"account_mfa_enabled", "account_access_keys_present"}
}

test_protected_root_passes if {
	count(rule.deny) == 0 with input as {"resources": [summary({"account_mfa_enabled": true, "account_access_keys_present": false})]}
}

test_missing_values_are_undetermined_not_passed if {
	count(rule.deny) == 0 with input as {"resources": [summary({})]}
	count(rule.undetermined) == 2 with input as {"resources": [summary({})]}
}
