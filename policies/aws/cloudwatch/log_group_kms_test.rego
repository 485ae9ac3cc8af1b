package rules.aws.cloudwatch.log_group_kms_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.cloudwatch.log_group_kms as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_group_without_key_fires if {
	some f in deny([fixtures.resource("aws_cloudwatch_log_group", "g", {"name": "/app"})])
	f.attribute == "kms_key_id"
}

test_referenced_key_passes if {
	key := fixtures.resource("aws_kms_key", "k", {})
	g := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_cloudwatch_log_group", "g", {}), [["kms_key_id", key]]), ["kms_key_id"])
	count(deny([key, g])) == 0
	count(undetermined([key, g])) == 0
}

test_conditional_key_is_undetermined if {
	key := fixtures.resource("aws_kms_key", "k", {})
	g := fixtures.with_unknown(fixtures.with_indirect_refs(fixtures.resource("aws_cloudwatch_log_group", "g", {}), [["kms_key_id", key]]), ["kms_key_id"])
	count(deny([key, g])) == 0
	count(undetermined([key, g])) == 1
}
