package rules.gcp.compute.disk_cmek_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.compute.disk_cmek as rule

key := fixtures.resource("google_kms_crypto_key", "k", {"name": "k"})

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(array.concat(resources, [key]))
}

undetermined(resources) := r if {
	r := rule.undetermined with input as {"resources": resources} with data.inventory as fixtures.inventory(array.concat(resources, [key]))
}

test_google_managed_fires if {
	disk := fixtures.resource("google_compute_disk", "d", {"size": 50})
	vm := fixtures.resource("google_compute_instance", "vm", {"boot_disk": [{"initialize_params": [{"image": "debian-cloud/debian-12"}]}]})
	count(deny([disk, vm])) == 2
}

test_cmek_csek_and_attached_disk_pass if {
	ref := fixtures.with_refs(fixtures.with_unknown(fixtures.resource("google_compute_disk", "ref", {"disk_encryption_key": [{}]}), ["disk_encryption_key[0].kms_key_self_link"]), [["disk_encryption_key[0].kms_key_self_link", key]])
	raw := fixtures.resource("google_compute_region_disk", "raw", {"disk_encryption_key": [{"raw_key": "SGVsbG8gZnJvbSBHb29nbGUgQ2xvdWQgUGxhdGZvcm0="}]})
	vm := fixtures.resource("google_compute_instance", "vm", {"boot_disk": [{"source": "projects/p/zones/z/disks/boot"}]})
	vm2 := fixtures.resource("google_compute_instance", "vm2", {"boot_disk": [{"kms_key_self_link": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}]})
	count(deny([ref, raw, vm, vm2])) == 0
	count(undetermined([ref, raw, vm, vm2])) == 0
}

test_unknown_key_is_undetermined if {
	d := fixtures.with_unknown(fixtures.resource("google_compute_disk", "d", {"disk_encryption_key": [{}]}), ["disk_encryption_key[0].kms_key_self_link"])
	count(deny([d])) == 0
	count(undetermined([d])) == 1
}
