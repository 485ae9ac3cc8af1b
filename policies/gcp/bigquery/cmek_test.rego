package rules.gcp.bigquery.cmek_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.bigquery.cmek as rule

key := fixtures.resource("google_kms_crypto_key", "k", {"name": "k"})

test_dataset_without_key_fires if {
	d := fixtures.resource("google_bigquery_dataset", "d", {"dataset_id": "d"})
	count(rule.deny) == 1 with input as {"resources": [d]} with data.inventory as fixtures.inventory([d])
}

test_key_passes if {
	lit := fixtures.resource("google_bigquery_dataset", "lit", {"default_encryption_configuration": [{"kms_key_name": "projects/p/locations/eu/keyRings/r/cryptoKeys/k"}]})
	ref := fixtures.with_refs(fixtures.with_unknown(fixtures.resource("google_bigquery_dataset", "ref", {"default_encryption_configuration": [{}]}), ["default_encryption_configuration[0].kms_key_name"]), [["default_encryption_configuration[0].kms_key_name", key]])
	count(rule.deny) == 0 with input as {"resources": [lit, ref]} with data.inventory as fixtures.inventory([lit, ref, key])
	count(rule.undetermined) == 0 with input as {"resources": [lit, ref]} with data.inventory as fixtures.inventory([lit, ref, key])
}

test_unknown_key_is_undetermined if {
	d := fixtures.with_unknown(fixtures.resource("google_bigquery_dataset", "d", {"default_encryption_configuration": [{}]}), ["default_encryption_configuration[0].kms_key_name"])
	count(rule.deny) == 0 with input as {"resources": [d]} with data.inventory as fixtures.inventory([d])
	count(rule.undetermined) == 1 with input as {"resources": [d]} with data.inventory as fixtures.inventory([d])
}
