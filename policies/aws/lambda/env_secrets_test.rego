package rules.aws.lambda.env_secrets_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.lambda.env_secrets as rule

fn(name, variables) := fixtures.resource("aws_lambda_function", name, {"environment": [{"variables": variables}]})

test_literal_secrets_fire if {
	findings := rule.deny with input as {"resources": [fn("f", {
		"DB_PASSWORD": "hunter2-prod",
		"STRIPE_API_KEY": "sk_live_abcdefghijklmnop",
		"SOME_SETTING": "AKIAABCDEFGHIJKLMNOP",
		"LOG_LEVEL": "debug",
	})]}
	count(findings) == 3
	some f in findings
	f.attribute == "environment[0].variables.DB_PASSWORD"
	not contains(f.message, "hunter2")
}

test_references_and_settings_pass if {
	count(rule.deny) == 0 with input as {"resources": [fn("f", {
		"DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
		"API_KEY_PARAM": "/prod/api-key",
		"TOKEN_URL": "https://auth.example.com/token",
		"SECRET": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
		"PASSWORD_MIN_LENGTH": "12",
		"AUTH_ENABLED": "true",
	})]}
}

test_unknown_values_are_not_literals if {
	f := fixtures.with_unknown(fn("f", {"DB_PASSWORD": null}), ["environment[0].variables.DB_PASSWORD"])
	count(rule.deny) == 0 with input as {"resources": [f]}
}
