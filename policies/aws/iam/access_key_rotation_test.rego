package rules.aws.iam.access_key_rotation_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.iam.access_key_rotation as rule

user(keys) := fixtures.resource("aws_iam_user", "deploy", {"access_keys": keys})

test_old_active_key_fires if {
	some f in rule.deny with input as {"resources": [user([{"id": "AKIA1", "status": "Active", "create_date": "2019-03-01T10:00:00Z"}])]}
		with data.config.max_key_age_days as 90
	f.attribute == "access_keys[0].create_date"
}

test_inactive_recent_or_no_keys_pass if {
	now := time.format(time.now_ns())
	count(rule.deny) == 0 with input as {"resources": [
		user([{"id": "AKIA2", "status": "Inactive", "create_date": "2019-03-01T10:00:00Z"}]),
		user([{"id": "AKIA3", "status": "Active", "create_date": now}]),
		user([]),
	]}
		with data.config.max_key_age_days as 90
}

test_key_without_a_date_is_undetermined if {
	u := user([{"id": "AKIA4", "status": "Active"}])
	count(rule.deny) == 0 with input as {"resources": [u]} with data.config.max_key_age_days as 90
	count(rule.undetermined) == 1 with input as {"resources": [u]}
}

test_unread_keys_are_undetermined if {
	u := object.union(user([]), {"unknown": ["access_keys"]})
	count(rule.undetermined) == 1 with input as {"resources": [u]}
}
