package rules.aws.cloudfront.viewer_https_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudfront.viewer_https as rule

test_allow_all_fires_per_behaviour if {
	findings := rule.deny with input as {"resources": [fixtures.resource("aws_cloudfront_distribution", "d", {
		"default_cache_behavior": [{"viewer_protocol_policy": "allow-all"}],
		"ordered_cache_behavior": [{"path_pattern": "/img/*", "viewer_protocol_policy": "https-only"}, {"path_pattern": "/api/*", "viewer_protocol_policy": "allow-all"}],
	})]}
	{f.attribute | some f in findings} == {"default_cache_behavior[0].viewer_protocol_policy", "ordered_cache_behavior[1].viewer_protocol_policy"}
}

test_https_behaviours_pass if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_cloudfront_distribution", "d", {
		"default_cache_behavior": [{"viewer_protocol_policy": "redirect-to-https"}],
		"ordered_cache_behavior": [{"path_pattern": "/api/*", "viewer_protocol_policy": "https-only"}],
	})]}
}

test_unknown_policy_is_undetermined if {
	d := fixtures.with_unknown(fixtures.resource("aws_cloudfront_distribution", "d", {"default_cache_behavior": [{}]}), ["default_cache_behavior[0].viewer_protocol_policy"])
	count(rule.deny) == 0 with input as {"resources": [d]}
	count(rule.undetermined) == 1 with input as {"resources": [d]}
}
