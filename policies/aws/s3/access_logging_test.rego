package rules.aws.s3.access_logging_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.s3.access_logging as rule

bucket := fixtures.resource("aws_s3_bucket", "b", {"bucket": "data"})

logs := fixtures.resource("aws_s3_bucket", "logs", {"bucket": "logs"})

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_bucket_without_logging_fires if {
	some f in deny([bucket])
	f.resource_id == bucket.id
}

test_logging_companion_passes_and_target_is_exempt if {
	l := fixtures.with_refs(fixtures.resource("aws_s3_bucket_logging", "l", {"target_prefix": "data/"}), [["bucket", bucket], ["target_bucket", logs]])
	count(deny([bucket, logs, l])) == 0
}

test_inline_logging_passes if {
	b := fixtures.resource("aws_s3_bucket", "b", {"logging": [{"target_bucket": "logs"}]})
	count(deny([b])) == 0
}

test_inline_logging_to_a_referenced_bucket_passes if {
	b := fixtures.with_unknown(fixtures.resource("aws_s3_bucket", "b", {"logging": [{"target_prefix": "b/"}]}), ["logging[0].target_bucket"])
	count(deny([b])) == 0
	count(rule.undetermined) == 0 with input as {"resources": [b]} with data.inventory as fixtures.inventory([b])
}
