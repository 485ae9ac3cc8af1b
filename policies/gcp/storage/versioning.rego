# METADATA
# title: Cloud Storage bucket versioning is enabled
# description: >-
#   Object versioning keeps a noncurrent version whenever an object is overwritten or deleted,
#   so accidental deletion, a faulty job or ransomware rewriting objects can be undone. Without
#   it a bucket's data has no recovery point short of a separate backup (soft delete keeps
#   deleted objects only for its retention window and does not cover overwrites).
# scope: package
# custom:
#   id: gcp-storage-versioning
#   check: object-versioning
#   severity: medium
#   resource_types: [google_storage_bucket]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"]
#     pci-dss-4.0: []
#   remediation: >-
#     Add `versioning { enabled = true }` to the bucket, with a lifecycle rule deleting
#     noncurrent versions after the retention you need.
package rules.gcp.storage.versioning

import rego.v1

import data.lib.gcp
import data.lib.tenet

deny contains tenet.finding(b, msg, "versioning") if {
	some b in tenet.of_input_type("google_storage_bucket")
	not gcp.has_block(b, "versioning")
	not tenet.is_unknown(b, "versioning")
	msg := sprintf("Cloud Storage bucket %q has no versioning", [b.name])
}

deny contains tenet.finding(b, msg, "versioning[0].enabled") if {
	some b in tenet.of_input_type("google_storage_bucket")
	gcp.has_block(b, "versioning")
	v := gcp.first_block(b, "versioning")
	not tenet.is_unknown(b, "versioning[0].enabled")
	tenet.to_bool(tenet.get(v, "enabled", false)) == false
	msg := sprintf("Cloud Storage bucket %q turns versioning off", [b.name])
}

undetermined contains tenet.finding(b, msg, "versioning") if {
	some b in tenet.of_input_type("google_storage_bucket")
	tenet.is_unknown(b, "versioning[0].enabled")
	msg := sprintf("whether Cloud Storage bucket %q is versioned is not known before apply", [b.name])
}
