package rules.aws.cloudtrail.kms_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudtrail.kms as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_trail_without_key_fires if {
	count(deny([
		fixtures.resource("aws_cloudtrail", "a", {"name": "a"}),
		fixtures.resource("aws_cloudtrail", "b", {"kms_key_id": ""}),
	])) == 2
}

test_literal_and_referenced_keys_pass if {
	key := fixtures.resource("aws_kms_key", "k", {})
	ref := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_cloudtrail", "b", {}), [["kms_key_id", key]]), ["kms_key_id"])
	resources := [key, ref, fixtures.resource("aws_cloudtrail", "a", {"kms_key_id": "arn:aws:kms:eu-west-1:123456789012:key/abc"})]
	count(deny(resources)) == 0
	count(undetermined(resources)) == 0
}

test_variable_key_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_cloudtrail", "a", {}), ["kms_key_id"])
	count(deny([r])) == 0
	count(undetermined([r])) == 1
}
