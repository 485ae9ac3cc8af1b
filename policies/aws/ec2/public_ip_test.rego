package rules.aws.ec2.public_ip_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.public_ip as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_public_ips_fire if {
	findings := deny([
		fixtures.resource("aws_instance", "i", {"associate_public_ip_address": true}),
		fixtures.resource("aws_subnet", "s", {"map_public_ip_on_launch": true}),
		fixtures.resource("aws_launch_template", "t", {"network_interfaces": [{"device_index": 0}, {"associate_public_ip_address": "true"}]}),
	])
	count(findings) == 3
	some f in findings
	f.attribute == "network_interfaces[1].associate_public_ip_address"
}

test_private_and_unset_pass if {
	count(deny([
		fixtures.resource("aws_instance", "i", {"associate_public_ip_address": false}),
		fixtures.resource("aws_instance", "j", {}),
		fixtures.resource("aws_subnet", "s", {"cidr_block": "10.0.1.0/24"}),
		fixtures.resource("aws_launch_template", "t", {"network_interfaces": [{"associate_public_ip_address": "false"}]}),
	])) == 0
}

test_unknown_is_undetermined if {
	i := fixtures.with_unknown(fixtures.resource("aws_instance", "i", {}), ["associate_public_ip_address"])
	t := fixtures.with_unknown(fixtures.resource("aws_launch_template", "t", {}), ["network_interfaces"])
	count(deny([i, t])) == 0
	count(undetermined([i, t])) == 2
}
