package rules.aws.cloudtrail.log_validation_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudtrail.log_validation as rule

test_trail_without_validation_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("aws_cloudtrail", "a", {"is_multi_region_trail": true})]}
}

test_trail_with_validation_passes if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_cloudtrail", "a", {"enable_log_file_validation": true})]}
}
