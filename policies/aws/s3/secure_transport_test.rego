package rules.aws.s3.secure_transport_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.s3.secure_transport as rule

bucket := fixtures.resource("aws_s3_bucket", "b", {"bucket": "data"})

deny_tls := {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}

deny(resources) := result if {
	result := rule.deny with input as {"resources": [r | some r in resources; r.type == "aws_s3_bucket"]}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": [r | some r in resources; r.type == "aws_s3_bucket"]}
		with data.inventory as fixtures.inventory(resources)
}

policy_for(b, statements) := fixtures.with_refs(
	fixtures.resource("aws_s3_bucket_policy", b.name, {"policy": json.marshal({"Version": "2012-10-17", "Statement": statements})}),
	[["bucket", b]],
)

test_bucket_without_policy_fires if {
	some f in deny([bucket])
	f.attribute == "policy"
}

test_json_policy_denying_plain_http_passes if {
	count(deny([bucket, policy_for(bucket, [deny_tls])])) == 0
}

test_inline_policy_and_aws_principal_pass if {
	stmt := object.union(deny_tls, {"Principal": {"AWS": "*"}, "Condition": {"Bool": {"aws:SecureTransport": false}}})
	b := fixtures.resource("aws_s3_bucket", "i", {"bucket": "inline", "policy": json.marshal({"Statement": [stmt]})})
	count(deny([b])) == 0
}

test_policy_without_the_statement_fires if {
	allow := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "s3:GetObject", "Resource": "*"}
	narrow := object.union(deny_tls, {"Action": "s3:GetObject"})
	allow_tls := object.union(deny_tls, {"Effect": "Allow"})
	count(deny([bucket, policy_for(bucket, [allow, narrow, allow_tls])])) == 1
}

test_policy_document_is_read if {
	doc := fixtures.with_unknown(fixtures.resource("aws_iam_policy_document", "d", {"statement": [{
		"effect": "Deny",
		"actions": ["s3:*"],
		"resources": [null],
		"principals": [{"type": "*", "identifiers": ["*"]}],
		"condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
	}]}), ["statement[0].resources[0]"])
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_s3_bucket_policy", "p", {}), [["bucket", bucket], ["policy", doc]]), ["bucket", "policy"])
	count(deny([bucket, doc, p])) == 0
	count(undetermined([bucket, doc, p])) == 0
}

test_unknown_condition_is_undetermined if {
	doc := fixtures.with_unknown(fixtures.resource("aws_iam_policy_document", "d", {"statement": [{
		"effect": "Deny",
		"actions": ["s3:*"],
		"principals": [{"type": "*", "identifiers": ["*"]}],
		"condition": [{"test": "Bool", "variable": "aws:SecureTransport"}],
	}]}), ["statement[0].condition[0].values"])
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_s3_bucket_policy", "p", {}), [["bucket", bucket], ["policy", doc]]), ["bucket", "policy"])
	count(deny([bucket, doc, p])) == 0
	count(undetermined([bucket, doc, p])) == 1
}

test_unknown_policy_is_undetermined if {
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_s3_bucket_policy", "p", {}), [["bucket", bucket]]), ["bucket", "policy"])
	count(deny([bucket, p])) == 0
	count(undetermined([bucket, p])) == 1
}
