package rules.aws.cloudtrail.multi_region_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudtrail.multi_region as rule

test_single_region_trail_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("aws_cloudtrail", "a", {}),
		fixtures.resource("aws_cloudtrail", "b", {"is_multi_region_trail": false}),
	]}
}

test_multi_region_trail_passes if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_cloudtrail", "a", {"is_multi_region_trail": true})]}
}
