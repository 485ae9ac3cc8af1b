package rules.aws.cloudfront.tls_version_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudfront.tls_version as rule

dist(name, cert) := fixtures.resource("aws_cloudfront_distribution", name, {"viewer_certificate": [cert]})

test_old_versions_and_default_certificate_fire if {
	findings := rule.deny with input as {"resources": [
		dist("a", {"acm_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "minimum_protocol_version": "TLSv1.1_2016"}),
		dist("b", {"acm_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}),
		dist("c", {"cloudfront_default_certificate": true}),
	]}
	count(findings) == 3
	some f in findings
	f.attribute == "viewer_certificate[0].cloudfront_default_certificate"
}

test_modern_versions_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		dist("a", {"acm_certificate_arn": "arn", "minimum_protocol_version": "TLSv1.2_2021"}),
		dist("b", {"acm_certificate_arn": "arn", "minimum_protocol_version": "TLSv1.3_2025"}),
	]}
}

test_unknown_version_is_undetermined if {
	d := fixtures.with_unknown(dist("a", {"acm_certificate_arn": "arn"}), ["viewer_certificate[0].minimum_protocol_version"])
	count(rule.deny) == 0 with input as {"resources": [d]}
	count(rule.undetermined) == 1 with input as {"resources": [d]}
}
