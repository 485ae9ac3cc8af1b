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

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

# Plan JSON marks single attributes of a block unknown; only the status decides.
test_companion_with_other_unknown_fields_is_decided if {
	enabled := fixtures.with_unknown(
		fixtures.with_refs(fixtures.resource("aws_s3_bucket_versioning", "v", {"versioning_configuration": [{"status": "Enabled"}]}), [["bucket", bucket]]),
		["bucket", "versioning_configuration[0].mfa_delete"],
	)
	count(deny([bucket, enabled])) == 0
	count(undetermined([bucket, enabled])) == 0
	suspended := fixtures.with_unknown(
		fixtures.resource("aws_s3_bucket_versioning", "v", {"versioning_configuration": [{"status": "Suspended"}]}),
		["bucket", "versioning_configuration[0].mfa_delete"],
	)
	some f in deny([suspended])
	f.attribute == "versioning_configuration[0].status"
}

test_companion_with_unknown_status_is_undetermined if {
	v := fixtures.with_unknown(
		fixtures.with_refs(fixtures.resource("aws_s3_bucket_versioning", "v", {"versioning_configuration": [{}]}), [["bucket", bucket]]),
		["versioning_configuration[0].status"],
	)
	count(deny([bucket, v])) == 0
	some f in undetermined([bucket, v])
	f.resource_id == v.id
}
