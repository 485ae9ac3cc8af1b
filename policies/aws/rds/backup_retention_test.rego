package rules.aws.rds.backup_retention_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.rds.backup_retention as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

test_short_disabled_and_default_retention_fire if {
	findings := deny([
		fixtures.resource("aws_db_instance", "zero", {"backup_retention_period": 0}),
		fixtures.resource("aws_db_instance", "unset", {}),
		fixtures.resource("aws_rds_cluster", "three", {"backup_retention_period": 3}),
	])
	count(findings) == 3
	some f in findings
	contains(f.message, "backups are disabled")
}

test_week_and_replicas_pass if {
	count(deny([
		fixtures.resource("aws_db_instance", "a", {"backup_retention_period": 7}),
		fixtures.resource("aws_rds_cluster", "b", {"backup_retention_period": 35}),
		fixtures.resource("aws_db_instance", "replica", {"replicate_source_db": "a"}),
	])) == 0
}

test_malformed_retention_does_not_break_the_rule if {
	count(deny([
		fixtures.resource("aws_db_instance", "bad", {"backup_retention_period": ""}),
		fixtures.resource("aws_db_instance", "short", {"backup_retention_period": "3"}),
	])) == 1
}
