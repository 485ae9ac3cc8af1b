package rules.aws.s3.versioning_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.s3.versioning as rule

bucket := fixtures.resource("aws_s3_bucket", "b", {"bucket": "data"})

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_unversioned_bucket_fires if {
	some f in deny([bucket])
	f.resource_id == bucket.id
}

test_companion_enabled_passes if {
	v := fixtures.with_refs(fixtures.resource("aws_s3_bucket_versioning", "v", {"versioning_configuration": [{"status": "Enabled"}]}), [["bucket", bucket]])
	count(deny([bucket, v])) == 0
}

test_companion_suspended_fires_on_companion if {
	v := fixtures.resource("aws_s3_bucket_versioning", "v", {"bucket": "data", "versioning_configuration": [{"status": "Suspended"}]})
	findings := deny([bucket, v])
	count(findings) == 1
	some f in findings
	f.resource_id == v.id
}

test_inline_versioning if {
	on := fixtures.resource("aws_s3_bucket", "on", {"versioning": [{"enabled": true}]})
	off := fixtures.resource("aws_s3_bucket", "off", {"versioning": [{"enabled": false}]})
	count(deny([on])) == 0
	some f in deny([off])
	f.attribute == "versioning[0].enabled"
}

test_companion_that_may_not_exist_is_undetermined if {
	v := fixtures.with_unknown(
		fixtures.with_refs(fixtures.resource("aws_s3_bucket_versioning", "v", {"versioning_configuration": [{"status": "Enabled"}]}), [["bucket", bucket]]),
		["count"],
	)
	count(deny([bucket, v])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [bucket]} with data.inventory as fixtures.inventory([bucket, v])
}
