package rules.aws.sns.encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.sns.encryption as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_unencrypted_topic_fires if {
	count(deny([fixtures.resource("aws_sns_topic", "t", {"name": "alerts"})])) == 1
}

test_encrypted_topics_pass if {
	key := fixtures.resource("aws_kms_key", "k", {})
	ref := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_sns_topic", "b", {}), [["kms_master_key_id", key]]), ["kms_master_key_id"])
	resources := [key, ref, fixtures.resource("aws_sns_topic", "a", {"kms_master_key_id": "alias/aws/sns"})]
	count(deny(resources)) == 0
	count(undetermined(resources)) == 0
}

test_variable_key_is_undetermined if {
	t := fixtures.with_unknown(fixtures.resource("aws_sns_topic", "t", {}), ["kms_master_key_id"])
	count(deny([t])) == 0
	count(undetermined([t])) == 1
}
