package rules.aws.s3.public_access_block_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.s3.public_access_block as rule

bucket := fixtures.resource("aws_s3_bucket", "b", {"bucket": "data"})

all_on := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_bucket_without_block_fires if {
	some f in deny([bucket])
	f.resource_id == bucket.id
}

test_full_block_passes if {
	p := fixtures.with_refs(fixtures.resource("aws_s3_bucket_public_access_block", "p", all_on), [["bucket", bucket]])
	count(deny([bucket, p])) == 0
}

test_weak_block_fires_on_the_setting if {
	p := fixtures.with_refs(
		fixtures.resource("aws_s3_bucket_public_access_block", "p", object.union(all_on, {"restrict_public_buckets": false})),
		[["bucket", bucket]],
	)
	findings := deny([bucket, p])
	count(findings) == 1
	some f in findings
	f.resource_id == p.id
	f.attribute == "restrict_public_buckets"
}

test_missing_setting_defaults_to_false_and_fires if {
	p := fixtures.resource("aws_s3_bucket_public_access_block", "p", {"bucket": "data", "block_public_acls": true})
	count(deny([bucket, p])) == 3
}

test_account_block_covers_buckets if {
	a := fixtures.resource("aws_s3_account_public_access_block", "a", all_on)
	count(deny([bucket, a])) == 0
}

test_unknown_account_block_is_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_s3_account_public_access_block", "a", {}), ["block_public_acls"])
	count(deny([bucket, a])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [bucket]} with data.inventory as fixtures.inventory([bucket, a])
}

test_account_block_in_another_module_does_not_cover if {
	a := object.union(fixtures.resource("aws_s3_account_public_access_block", "a", all_on), {"source": {"file": "accounts/prod/main.tf"}})
	b := object.union(bucket, {"source": {"file": "accounts/dev/main.tf"}})
	count(deny([b, a])) == 1
}
