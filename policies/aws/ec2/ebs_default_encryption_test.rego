package rules.aws.ec2.ebs_default_encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.ebs_default_encryption as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_disabled_fires if {
	some f in deny([fixtures.resource("aws_ebs_encryption_by_default", "d", {"enabled": false})])
	f.attribute == "enabled"
}

test_enabled_and_default_pass if {
	count(deny([
		fixtures.resource("aws_ebs_encryption_by_default", "a", {"enabled": true}),
		fixtures.resource("aws_ebs_encryption_by_default", "b", {}),
		fixtures.resource("aws_ebs_encryption_by_default", "c", {"enabled": "true"}),
	])) == 0
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_ebs_encryption_by_default", "d", {}), ["enabled"])
	count(deny([r])) == 0
	count(undetermined([r])) == 1
}
