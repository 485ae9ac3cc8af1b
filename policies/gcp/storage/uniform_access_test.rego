package rules.gcp.storage.uniform_access_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.storage.uniform_access as rule

test_default_bucket_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("google_storage_bucket", "b", {"name": "b"})]}
}

test_uniform_or_enforced_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("google_storage_bucket", "u", {"uniform_bucket_level_access": true}),
		fixtures.resource("google_storage_bucket", "e", {"public_access_prevention": "enforced"}),
	]}
}

test_unknown_is_undetermined if {
	b := fixtures.with_unknown(fixtures.resource("google_storage_bucket", "b", {}), ["uniform_bucket_level_access"])
	count(rule.deny) == 0 with input as {"resources": [b]}
	count(rule.undetermined) == 1 with input as {"resources": [b]}
}
