package rules.aws.sqs.encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.sqs.encryption as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_sse_turned_off_without_key_fires if {
	count(deny([fixtures.resource("aws_sqs_queue", "q", {"sqs_managed_sse_enabled": false})])) == 1
}

test_default_sse_and_kms_pass if {
	key := fixtures.resource("aws_kms_key", "k", {})
	ref := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_sqs_queue", "c", {"sqs_managed_sse_enabled": false}), [["kms_master_key_id", key]]), ["kms_master_key_id"])
	resources := [
		key, ref,
		fixtures.resource("aws_sqs_queue", "a", {}),
		fixtures.resource("aws_sqs_queue", "b", {"kms_master_key_id": "alias/aws/sqs"}),
	]
	count(deny(resources)) == 0
	count(undetermined(resources)) == 0
}

test_unknown_values_are_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_sqs_queue", "a", {}), ["sqs_managed_sse_enabled"])
	b := fixtures.with_unknown(fixtures.resource("aws_sqs_queue", "b", {"sqs_managed_sse_enabled": false}), ["kms_master_key_id"])
	count(deny([a, b])) == 0
	count(undetermined([a, b])) == 2
}
