package rules.gcp.storage.versioning_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.storage.versioning as rule

test_unversioned_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("google_storage_bucket", "none", {}),
		fixtures.resource("google_storage_bucket", "off", {"versioning": [{"enabled": false}]}),
	]}
}

test_versioned_passes if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("google_storage_bucket", "on", {"versioning": [{"enabled": true}]})]}
}

test_unknown_is_undetermined if {
	b := fixtures.with_unknown(fixtures.resource("google_storage_bucket", "b", {"versioning": [{}]}), ["versioning[0].enabled"])
	count(rule.deny) == 0 with input as {"resources": [b]}
	count(rule.undetermined) == 1 with input as {"resources": [b]}
}

test_empty_versioning_block_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("google_storage_bucket", "empty", {"versioning": [{}]})]}
}
