package rules.aws.rds.storage_encrypted_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.rds.storage_encrypted as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

test_default_and_false_fire if {
	count(deny([
		fixtures.resource("aws_db_instance", "a", {"engine": "postgres"}),
		fixtures.resource("aws_rds_cluster", "b", {"storage_encrypted": false}),
	])) == 2
}

test_encrypted_replica_and_serverless_pass if {
	count(deny([
		fixtures.resource("aws_db_instance", "a", {"storage_encrypted": true}),
		fixtures.resource("aws_db_instance", "replica", {"replicate_source_db": "primary"}),
		fixtures.resource("aws_rds_cluster", "s", {"engine_mode": "serverless"}),
	])) == 0
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_db_instance", "a", {}), ["storage_encrypted"])
	count(deny([r])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_restored_from_snapshot_is_undetermined if {
	r := fixtures.resource("aws_db_instance", "a", {"snapshot_identifier": "snap-1"})
	count(deny([r])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_unknown_engine_mode_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_rds_cluster", "c", {}), ["engine_mode"])
	count(deny([r])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_string_true_counts_as_encrypted if {
	count(deny([fixtures.resource("aws_db_instance", "a", {"storage_encrypted": "true"})])) == 0
}
