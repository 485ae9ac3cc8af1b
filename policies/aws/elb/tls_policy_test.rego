package rules.aws.elb.tls_policy_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.elb.tls_policy as rule

test_old_and_default_policies_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_lb_listener", "a", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-2016-08"}),
		fixtures.resource("aws_lb_listener", "b", {"protocol": "TLS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-1-2021-06"}),
		fixtures.resource("aws_alb_listener", "c", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-FS-1-1-2019-08"}),
		fixtures.resource("aws_lb_listener", "d", {"protocol": "HTTPS"}),
	]}
	count(findings) == 4
}

test_modern_policies_and_plain_listeners_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_lb_listener", "a", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}),
		fixtures.resource("aws_lb_listener", "b", {"protocol": "TLS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-3-2021-06"}),
		fixtures.resource("aws_lb_listener", "c", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-FS-1-2-Res-2020-10"}),
		fixtures.resource("aws_lb_listener", "d", {"protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS-1-2-Ext-2018-06"}),
		fixtures.resource("aws_lb_listener", "e", {"protocol": "HTTP"}),
	]}
}

test_unknown_policy_is_undetermined if {
	l := fixtures.with_unknown(fixtures.resource("aws_lb_listener", "a", {"protocol": "HTTPS"}), ["ssl_policy"])
	count(rule.deny) == 0 with input as {"resources": [l]}
	count(rule.undetermined) == 1 with input as {"resources": [l]}
}
