# METADATA
# title: Compute Engine disks encrypt with a customer-managed key
# description: >-
#   Persistent disks are always encrypted at rest, by default with Google-managed keys. A
#   customer-managed Cloud KMS key (or a customer-supplied key) puts disk encryption under your
#   own key policy, rotation and audit, and lets you cut off access to a disk's data and its
#   snapshots by disabling the key. Boot disks created with an instance are checked too, unless
#   they attach an existing disk (`boot_disk.source`), whose own key applies.
# scope: package
# custom:
#   id: gcp-compute-disk-cmek
#   check: customer-managed-key
#   severity: low
#   resource_types: [google_compute_disk, google_compute_region_disk, google_compute_instance]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1", "3.6.1"]
#   remediation: >-
#     Add `disk_encryption_key { kms_key_self_link = google_kms_crypto_key.<key>.id }` to the
#     disk (for an instance's boot disk, `boot_disk { kms_key_self_link = ... }`), and grant the
#     Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter on the key.
package rules.gcp.compute.disk_cmek

import rego.v1

import data.lib.gcp
import data.lib.tenet

disk_key_fields := ["kms_key_self_link", "raw_key", "rsa_encrypted_key"]

boot_key_fields := ["kms_key_self_link", "disk_encryption_key_raw", "disk_encryption_key_rsa"]

# [resource, path of the key settings, the fields that can hold a key, the settings object]
disks contains [r, "disk_encryption_key[0]", disk_key_fields, gcp.first_block(r, "disk_encryption_key")] if {
	some t in ["google_compute_disk", "google_compute_region_disk"]
	some r in tenet.of_input_type(t)
}

disks contains [r, "boot_disk[0]", boot_key_fields, boot] if {
	some r in tenet.of_input_type("google_compute_instance")
	boot := gcp.first_block(r, "boot_disk")
	not tenet.has_value(boot, "source")
	not tenet.is_unknown(r, "boot_disk[0].source")
	not gcp.refers_to(r, "boot_disk[0].source", {"google_compute_disk", "google_compute_region_disk"})
}

deny contains tenet.finding(r, msg, attribute(r, base)) if {
	some [r, base, fields, obj] in disks
	every f in fields {
		not tenet.is_unknown(r, sprintf("%s.%s", [base, f]))
		not gcp.key_set(r, sprintf("%s.%s", [base, f]), tenet.get(obj, f, ""))
	}
	msg := sprintf("%s %q%s is encrypted with a Google-managed key, not a customer-managed one", [r.type, r.name, label(base)])
}

undetermined contains tenet.finding(r, msg, attribute(r, base)) if {
	some [r, base, fields, obj] in disks
	not key_known_set(r, base, fields, obj)
	some f in fields
	gcp.key_unknown(r, sprintf("%s.%s", [base, f]))
	msg := sprintf("the encryption key of %s %q%s is not known before apply", [r.type, r.name, label(base)])
}

key_known_set(r, base, fields, obj) if {
	some f in fields
	gcp.key_set(r, sprintf("%s.%s", [base, f]), tenet.get(obj, f, ""))
}

label(base) := " (boot disk)" if startswith(base, "boot_disk")

label(base) := "" if not startswith(base, "boot_disk")

attribute(r, base) := base if tenet.has_value(r.attributes, trim_suffix(base, "[0]"))

attribute(r, base) := trim_suffix(base, "[0]") if not tenet.has_value(r.attributes, trim_suffix(base, "[0]"))
