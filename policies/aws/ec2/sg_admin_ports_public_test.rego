package rules.aws.ec2.sg_admin_ports_public_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.sg_admin_ports_public as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

test_inline_ssh_from_anywhere_fires if {
	sg := fixtures.resource("aws_security_group", "sg", {"ingress": [
		{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
		{"protocol": "tcp", "from_port": 20, "to_port": 25, "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]},
	]})
	findings := deny([sg])
	count(findings) == 1
	some f in findings
	f.attribute == "ingress[1].cidr_blocks"
}

test_rdp_rule_over_ipv6_fires if {
	r := fixtures.resource("aws_security_group_rule", "r", {"type": "ingress", "protocol": "6", "from_port": 3389, "to_port": 3389, "ipv6_cidr_blocks": ["::/0"]})
	count(deny([r])) == 1
}

test_vpc_ingress_rule_fires if {
	r := fixtures.resource("aws_vpc_security_group_ingress_rule", "r", {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"})
	count(deny([r])) == 1
}

test_private_sources_egress_and_other_ports_pass if {
	count(deny([
		fixtures.resource("aws_security_group", "a", {"ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]}]}),
		fixtures.resource("aws_security_group_rule", "e", {"type": "egress", "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}),
		fixtures.resource("aws_vpc_security_group_ingress_rule", "h", {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}),
	])) == 0
}

test_all_ports_left_to_the_other_rule if {
	count(deny([fixtures.resource("aws_security_group_rule", "all", {"type": "ingress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]})])) == 0
}

test_both_admin_ports_in_one_range_make_one_finding if {
	r := fixtures.resource("aws_security_group_rule", "wide", {"type": "ingress", "protocol": "tcp", "from_port": 20, "to_port": 4000, "cidr_blocks": ["0.0.0.0/0"]})
	findings := deny([r])
	count(findings) == 1
	some f in findings
	contains(f.message, "SSH (port 22) and RDP (port 3389)")
}

test_unknown_source_on_ssh_is_undetermined if {
	r := fixtures.with_unknown(
		fixtures.resource("aws_security_group_rule", "r", {"type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22}),
		["cidr_blocks"],
	)
	count(deny([r])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_unknown_source_on_https_or_unknown_descriptions_are_not_undetermined if {
	https := fixtures.with_unknown(
		fixtures.resource("aws_security_group_rule", "r", {"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443}),
		["cidr_blocks"],
	)
	described := fixtures.with_unknown(
		fixtures.resource("aws_security_group", "s", {"ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/8"], "security_groups": [null]}]}),
		["ingress[0].description", "ingress[0].security_groups[0]"],
	)
	count(rule.undetermined) == 0 with input as {"resources": [https, described]}
}

test_malformed_ports_do_not_break_the_rule if {
	bad := fixtures.resource("aws_security_group_rule", "bad", {"type": "ingress", "protocol": "tcp", "from_port": "", "to_port": "", "cidr_blocks": ["0.0.0.0/0"]})
	ssh := fixtures.resource("aws_security_group_rule", "ssh", {"type": "ingress", "protocol": "tcp", "from_port": "22", "to_port": "22", "cidr_blocks": ["0.0.0.0/0"]})
	count(deny([bad, ssh])) == 1
}
