package rules.aws.vpc.default_sg_restricts_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.vpc.default_sg_restricts as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_rules_on_default_group_fire if {
	findings := deny([fixtures.resource("aws_default_security_group", "d", {
		"ingress": [{"protocol": "-1", "self": true, "from_port": 0, "to_port": 0}],
		"egress": [{"protocol": "-1", "cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 0}, {"protocol": "tcp", "from_port": 443, "to_port": 443}],
	})])
	count(findings) == 2
	some f in findings
	f.attribute == "egress[0]"
	contains(f.message, "2 egress")
}

test_empty_default_group_passes if {
	count(deny([fixtures.resource("aws_default_security_group", "d", {"vpc_id": "vpc-1"})])) == 0
}

test_attached_rule_fires if {
	sg := fixtures.resource("aws_default_security_group", "d", {})
	other := fixtures.resource("aws_security_group", "web", {})
	on_default := fixtures.with_refs(fixtures.resource("aws_vpc_security_group_ingress_rule", "r", {"ip_protocol": "-1"}), [["security_group_id", sg]])
	on_other := fixtures.with_refs(fixtures.resource("aws_vpc_security_group_ingress_rule", "o", {"ip_protocol": "-1"}), [["security_group_id", other]])
	findings := deny([sg, other, on_default, on_other])
	count(findings) == 1
	some f in findings
	f.resource_id == on_default.id
}

test_dynamic_rules_are_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_default_security_group", "d", {}), ["ingress"])
	count(deny([r])) == 0
	count(undetermined([r])) == 1
}
