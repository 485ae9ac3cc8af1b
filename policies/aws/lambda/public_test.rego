package rules.aws.lambda.public_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.lambda.public as rule

test_open_permission_and_url_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_lambda_permission", "p", {"action": "lambda:InvokeFunction", "principal": "*", "function_name": "f"}),
		fixtures.resource("aws_lambda_function_url", "u", {"authorization_type": "NONE", "function_name": "f"}),
	]}
	{f.attribute | some f in findings} == {"principal", "authorization_type"}
}

test_restricted_permissions_and_iam_url_pass if {
	bucket := fixtures.resource("aws_s3_bucket", "b", {})
	by_ref := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_lambda_permission", "r", {"principal": "*"}), [["source_arn", bucket]]), ["source_arn"])
	resources := [
		by_ref,
		fixtures.resource("aws_lambda_permission", "svc", {"principal": "s3.amazonaws.com"}),
		fixtures.resource("aws_lambda_permission", "acct", {"principal": "*", "source_account": "123456789012"}),
		fixtures.resource("aws_lambda_permission", "org", {"principal": "*", "principal_org_id": "o-abc"}),
		fixtures.resource("aws_lambda_function_url", "u", {"authorization_type": "AWS_IAM"}),
	]
	count(rule.deny) == 0 with input as {"resources": resources}
	count(rule.undetermined) == 0 with input as {"resources": resources}
}

test_unknown_values_are_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_lambda_permission", "a", {}), ["principal"])
	b := fixtures.with_unknown(fixtures.resource("aws_lambda_permission", "b", {"principal": "*"}), ["source_arn"])
	c := fixtures.with_unknown(fixtures.resource("aws_lambda_function_url", "c", {}), ["authorization_type"])
	count(rule.deny) == 0 with input as {"resources": [a, b, c]}
	count(rule.undetermined) == 3 with input as {"resources": [a, b, c]}
}
