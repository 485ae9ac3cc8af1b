package rules.aws.kms.key_rotation_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.kms.key_rotation as rule

test_symmetric_key_without_rotation_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("aws_kms_key", "k", {"description": "data"})]}
}

test_rotating_and_asymmetric_keys_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_kms_key", "k", {"enable_key_rotation": true}),
		fixtures.resource("aws_kms_key", "sign", {"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY"}),
	]}
}

test_unknown_key_spec_is_undetermined if {
	k := fixtures.with_unknown(fixtures.resource("aws_kms_key", "k", {}), ["customer_master_key_spec"])
	count(rule.deny) == 0 with input as {"resources": [k]}
	count(rule.undetermined) == 1 with input as {"resources": [k]}
}
