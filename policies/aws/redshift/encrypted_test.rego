package rules.aws.redshift.encrypted_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.redshift.encrypted as rule

test_unencrypted_cluster_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("aws_redshift_cluster", "a", {"encrypted": false}),
		fixtures.resource("aws_redshift_cluster", "b", {"encrypted": "false"}),
	]}
}

test_encrypted_and_default_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_redshift_cluster", "a", {"encrypted": true}),
		fixtures.resource("aws_redshift_cluster", "b", {}),
	]}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(fixtures.resource("aws_redshift_cluster", "a", {}), ["encrypted"])
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 1 with input as {"resources": [c]}
}
