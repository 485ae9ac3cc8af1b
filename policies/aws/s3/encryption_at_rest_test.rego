package rules.aws.s3.encryption_at_rest_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.s3.encryption_at_rest as rule

bucket := fixtures.resource("aws_s3_bucket", "b", {"bucket": "data"})

sse := [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}]}]

eval_deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

eval_undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_bucket_without_encryption_fires if {
	some f in eval_deny([bucket])
	f.resource_id == bucket.id
	f.attribute == "server_side_encryption_configuration"
}

test_inline_encryption_passes if {
	b := fixtures.resource("aws_s3_bucket", "b", {"server_side_encryption_configuration": [{"rule": sse}]})
	count(eval_deny([b])) == 0
}

test_companion_by_reference_passes if {
	c := fixtures.with_refs(fixtures.resource("aws_s3_bucket_server_side_encryption_configuration", "c", {"rule": sse}), [["bucket", bucket]])
	count(eval_deny([bucket, c])) == 0
}

test_companion_by_name_passes if {
	c := fixtures.resource("aws_s3_bucket_server_side_encryption_configuration", "c", {"bucket": "data", "rule": sse})
	count(eval_deny([bucket, c])) == 0
}

test_companion_without_algorithm_fires if {
	c := fixtures.resource("aws_s3_bucket_server_side_encryption_configuration", "c", {"bucket": "data", "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": ""}]}]})
	some f in eval_deny([bucket, c])
	f.resource_id == c.id
}

test_unresolved_companion_is_undetermined_not_failed if {
	c := fixtures.with_unknown(fixtures.resource("aws_s3_bucket_server_side_encryption_configuration", "c", {"rule": sse}), ["bucket"])
	count(eval_deny([bucket, c])) == 0
	count(eval_undetermined([bucket, c])) == 1
}

test_companion_with_unknown_rule_is_undetermined if {
	c := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_s3_bucket_server_side_encryption_configuration", "c", {}), [["bucket", bucket]]), ["rule"])
	count(eval_deny([bucket, c])) == 0
	count(eval_undetermined([bucket, c])) == 1
}

test_indirect_reference_is_not_a_link if {
	c := fixtures.with_unknown(fixtures.with_indirect_refs(fixtures.resource("aws_s3_bucket_server_side_encryption_configuration", "c", {"rule": sse}), [["bucket", bucket]]), ["bucket"])
	count(eval_deny([bucket, c])) == 0
	some f in eval_undetermined([bucket, c])
	f.resource_id == bucket.id
}
