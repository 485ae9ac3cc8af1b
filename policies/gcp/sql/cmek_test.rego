package rules.gcp.sql.cmek_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.cmek as rule

key := fixtures.resource("google_kms_crypto_key", "k", {"name": "k"})

test_google_managed_fires if {
	r := fixtures.resource("google_sql_database_instance", "db", {"settings": [{"tier": "x"}]})
	count(rule.deny) == 1 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
}

test_cmek_passes if {
	lit := fixtures.resource("google_sql_database_instance", "lit", {"encryption_key_name": "projects/p/locations/l/keyRings/r/cryptoKeys/k"})
	ref := fixtures.with_refs(fixtures.with_unknown(fixtures.resource("google_sql_database_instance", "ref", {}), ["encryption_key_name"]), [["encryption_key_name", key]])
	count(rule.deny) == 0 with input as {"resources": [lit, ref]} with data.inventory as fixtures.inventory([lit, ref, key])
	count(rule.undetermined) == 0 with input as {"resources": [lit, ref]} with data.inventory as fixtures.inventory([lit, ref, key])
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("google_sql_database_instance", "db", {}), ["encryption_key_name"])
	count(rule.undetermined) == 1 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
}
