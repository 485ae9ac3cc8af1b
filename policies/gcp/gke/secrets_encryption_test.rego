package rules.gcp.gke.secrets_encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.gke.secrets_encryption as rule

test_unencrypted_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("google_container_cluster", "none", {}),
		fixtures.resource("google_container_cluster", "off", {"database_encryption": [{"state": "DECRYPTED"}]}),
	]}
}

test_encrypted_passes if {
	c := fixtures.resource("google_container_cluster", "c", {"database_encryption": [{"state": "ENCRYPTED", "key_name": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}]})
	count(rule.deny) == 0 with input as {"resources": [c]}
}

test_unknown_is_undetermined if {
	c := fixtures.with_unknown(fixtures.resource("google_container_cluster", "c", {"database_encryption": [{}]}), ["database_encryption[0].state"])
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 1 with input as {"resources": [c]}
}
