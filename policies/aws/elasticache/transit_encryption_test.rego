package rules.aws.elasticache.transit_encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.elasticache.transit_encryption as rule

test_plain_and_preferred_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_elasticache_replication_group", "a", {}),
		fixtures.resource("aws_elasticache_replication_group", "b", {"transit_encryption_enabled": false}),
		fixtures.resource("aws_elasticache_replication_group", "c", {"transit_encryption_enabled": true, "transit_encryption_mode": "preferred"}),
	]}
	count(findings) == 3
	some f in findings
	f.attribute == "transit_encryption_mode"
}

test_required_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_elasticache_replication_group", "a", {"transit_encryption_enabled": true}),
		fixtures.resource("aws_elasticache_replication_group", "b", {"transit_encryption_enabled": true, "transit_encryption_mode": "required"}),
	]}
}

test_unknown_is_undetermined if {
	g := fixtures.with_unknown(fixtures.resource("aws_elasticache_replication_group", "a", {}), ["transit_encryption_enabled"])
	count(rule.deny) == 0 with input as {"resources": [g]}
	count(rule.undetermined) == 1 with input as {"resources": [g]}
}
