package rules.aws.rds.public_access_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.rds.public_access as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

test_public_instances_fire if {
	count(deny([
		fixtures.resource("aws_db_instance", "a", {"publicly_accessible": true}),
		fixtures.resource("aws_rds_cluster_instance", "b", {"publicly_accessible": true}),
	])) == 2
}

test_private_and_default_pass if {
	count(deny([
		fixtures.resource("aws_db_instance", "a", {"publicly_accessible": false}),
		fixtures.resource("aws_db_instance", "b", {}),
	])) == 0
}

test_string_booleans_convert_like_terraform if {
	count(deny([fixtures.resource("aws_db_instance", "a", {"publicly_accessible": "true"})])) == 1
	count(deny([fixtures.resource("aws_db_instance", "b", {"publicly_accessible": "false"})])) == 0
}
