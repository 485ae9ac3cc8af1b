package rules.gcp.kms.key_rotation_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.kms.key_rotation as rule

config := {"max_key_rotation_days": 365}

key(name, attrs) := fixtures.resource("google_kms_crypto_key", name, object.union({"name": name, "key_ring": "r"}, attrs))

test_missing_or_long_rotation_fires if {
	findings := rule.deny with input as {"resources": [key("none", {}), key("long", {"rotation_period": "63072000s"})]} with data.config as config
	count(findings) == 2
}

test_rotating_and_non_rotatable_keys_pass if {
	resources := [
		key("ok", {"rotation_period": "7776000s"}),
		key("sign", {"purpose": "ASYMMETRIC_SIGN"}),
		key("imported", {"import_only": true}),
		key("ekm", {"version_template": [{"algorithm": "EXTERNAL_SYMMETRIC_ENCRYPTION", "protection_level": "EXTERNAL"}]}),
	]
	count(rule.deny) == 0 with input as {"resources": resources} with data.config as config
	count(rule.undetermined) == 0 with input as {"resources": resources} with data.config as config
}

test_override_max_days if {
	k := key("yearly", {"rotation_period": "31536000s"})
	count(rule.deny) == 0 with input as {"resources": [k]} with data.config as config
	count(rule.deny) == 1 with input as {"resources": [k]} with data.config.max_key_rotation_days as 90
}

test_unknown_is_undetermined if {
	k := fixtures.with_unknown(key("u", {}), ["rotation_period"])
	count(rule.deny) == 0 with input as {"resources": [k]} with data.config as config
	count(rule.undetermined) == 1 with input as {"resources": [k]} with data.config as config
}
