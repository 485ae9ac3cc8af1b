package rules.aws.iam.user_mfa_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.iam.user_mfa as rule

user(name, attrs) := fixtures.resource("aws_iam_user", name, attrs)

test_console_user_without_mfa_fires if {
	some f in rule.deny with input as {"resources": [user("alice", {"console_password": true, "mfa_devices": []})]}
	f.attribute == "mfa_devices"
}

test_mfa_or_no_console_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		user("bob", {"console_password": true, "mfa_devices": ["arn:aws:iam::1:mfa/bob"]}),
		user("ci", {"console_password": false, "mfa_devices": []}),
		user("terraform", {"name": "terraform"}),
	]}
}

test_unread_details_are_undetermined_only_where_a_failure_is_possible if {
	no_console := object.union(user("ci", {"console_password": false}), {"unknown": ["mfa_devices"]})
	count(rule.undetermined) == 0 with input as {"resources": [no_console]}
	with_mfa := object.union(user("dan", {"mfa_devices": ["m"]}), {"unknown": ["console_password"]})
	count(rule.undetermined) == 0 with input as {"resources": [with_mfa]}
}

test_unread_details_are_undetermined if {
	u := object.union(user("carol", {"console_password": true}), {"unknown": ["mfa_devices"]})
	count(rule.deny) == 0 with input as {"resources": [u]}
	count(rule.undetermined) == 1 with input as {"resources": [u]}
}
