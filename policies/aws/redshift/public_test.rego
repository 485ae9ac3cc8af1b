package rules.aws.redshift.public_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.redshift.public as rule

test_public_cluster_and_workgroup_fire if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("aws_redshift_cluster", "a", {"publicly_accessible": true}),
		fixtures.resource("aws_redshiftserverless_workgroup", "b", {"publicly_accessible": "true"}),
	]}
}

test_private_and_default_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_redshift_cluster", "a", {"publicly_accessible": false}),
		fixtures.resource("aws_redshiftserverless_workgroup", "b", {}),
	]}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(fixtures.resource("aws_redshift_cluster", "a", {}), ["publicly_accessible"])
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 1 with input as {"resources": [c]}
}
