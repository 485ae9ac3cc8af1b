package rules.gcp.storage.cmek_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.storage.cmek as rule

key := fixtures.resource("google_kms_crypto_key", "k", {"name": "k"})

test_bucket_without_key_fires if {
	b := fixtures.resource("google_storage_bucket", "b", {})
	count(rule.deny) == 1 with input as {"resources": [b]} with data.inventory as fixtures.inventory([b])
}

test_literal_or_referenced_key_passes if {
	lit := fixtures.resource("google_storage_bucket", "lit", {"encryption": [{"default_kms_key_name": "projects/p/locations/eu/keyRings/r/cryptoKeys/k"}]})
	ref := fixtures.with_refs(fixtures.with_unknown(fixtures.resource("google_storage_bucket", "ref", {"encryption": [{}]}), ["encryption[0].default_kms_key_name"]), [["encryption[0].default_kms_key_name", key]])
	count(rule.deny) == 0 with input as {"resources": [lit, ref]} with data.inventory as fixtures.inventory([lit, ref, key])
	count(rule.undetermined) == 0 with input as {"resources": [lit, ref]} with data.inventory as fixtures.inventory([lit, ref, key])
}

test_unknown_key_is_undetermined if {
	b := fixtures.with_unknown(fixtures.resource("google_storage_bucket", "b", {"encryption": [{}]}), ["encryption[0].default_kms_key_name"])
	count(rule.deny) == 0 with input as {"resources": [b]} with data.inventory as fixtures.inventory([b])
	count(rule.undetermined) == 1 with input as {"resources": [b]} with data.inventory as fixtures.inventory([b])
}
