package rules.aws.ec2.sg_all_ports_public_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.sg_all_ports_public as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

test_all_protocols_from_anywhere_fires if {
	sg := fixtures.resource("aws_security_group", "sg", {"ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]})
	count(deny([sg])) == 1
}

test_full_tcp_range_fires if {
	r := fixtures.resource("aws_security_group_rule", "r", {"type": "ingress", "protocol": "tcp", "from_port": 0, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]})
	count(deny([r])) == 1
}

test_vpc_rule_all_fires if {
	r := fixtures.resource("aws_vpc_security_group_ingress_rule", "r", {"ip_protocol": "-1", "cidr_ipv6": "::/0"})
	count(deny([r])) == 1
}

test_single_port_or_private_passes if {
	count(deny([
		fixtures.resource("aws_security_group_rule", "https", {"type": "ingress", "protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}),
		fixtures.resource("aws_security_group", "internal", {"ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/16"]}]}),
	])) == 0
}
