package rules.aws.elb.https_listener_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.elb.https_listener as rule

deny(batch, resources) := result if {
	result := rule.deny with input as {"resources": batch}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(batch, resources) := result if {
	result := rule.undetermined with input as {"resources": batch}
		with data.inventory as fixtures.inventory(resources)
}

forward := [{"type": "forward", "target_group_arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1"}]

redirect := [{"type": "redirect", "redirect": [{"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}]}]

test_http_forwarding_fires if {
	l := fixtures.resource("aws_lb_listener", "http", {"protocol": "HTTP", "port": 80, "default_action": forward})
	a := fixtures.resource("aws_alb_listener", "fixed", {"protocol": "HTTP", "default_action": [{"type": "fixed-response"}]})
	count(deny([l, a], [l, a])) == 2
}

test_redirect_and_https_pass if {
	l := fixtures.resource("aws_lb_listener", "http", {"protocol": "HTTP", "port": 80, "default_action": redirect})
	s := fixtures.resource("aws_lb_listener", "https", {"protocol": "HTTPS", "port": 443, "default_action": forward})
	count(deny([l, s], [l, s])) == 0
}

test_missing_protocol_follows_the_load_balancer_type if {
	alb := fixtures.resource("aws_lb", "alb", {})
	nlb := fixtures.resource("aws_lb", "nlb", {"load_balancer_type": "network"})
	on_alb := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_lb_listener", "a", {"port": 80, "default_action": forward}), [["load_balancer_arn", alb]]), ["load_balancer_arn"])
	on_nlb := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_lb_listener", "n", {"port": 80, "default_action": forward}), [["load_balancer_arn", nlb]]), ["load_balancer_arn"])
	resources := [alb, nlb, on_alb, on_nlb]
	findings := deny([on_alb, on_nlb], resources)
	count(findings) == 1
	some f in findings
	f.resource_id == on_alb.id
	count(undetermined([on_alb, on_nlb], resources)) == 0
	unresolved := fixtures.resource("aws_lb_listener", "u", {"port": 80, "default_action": forward})
	count(undetermined([unresolved], [unresolved])) == 1
}

test_unknown_action_is_undetermined if {
	l := fixtures.with_unknown(fixtures.resource("aws_lb_listener", "http", {"protocol": "HTTP", "default_action": [{}]}), ["default_action[0].type"])
	count(deny([l], [l])) == 0
	count(undetermined([l], [l])) == 1
}
