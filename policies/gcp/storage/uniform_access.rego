# METADATA
# title: Cloud Storage buckets use uniform bucket-level access
# description: >-
#   Without uniform bucket-level access, every object carries its own legacy ACL, and a single
#   upload with a public ACL (for example `predefinedAcl=publicRead`) exposes that object
#   whatever the bucket's IAM policy says. Uniform access turns object ACLs off so that IAM
#   alone decides who can read the bucket. A bucket whose `public_access_prevention` is
#   "enforced" cannot be made public through ACLs either and is not reported.
# scope: package
# custom:
#   id: gcp-storage-uniform-access
#   check: object-storage-public
#   severity: high
#   resource_types: [google_storage_bucket]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.5.15, A.8.3]
#     gdpr: [Art.25(2), Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Set `uniform_bucket_level_access = true` on the bucket (and grant access through IAM),
#     or at least `public_access_prevention = "enforced"`.
package rules.gcp.storage.uniform_access

import rego.v1

import data.lib.tenet

deny contains tenet.finding(b, msg, "uniform_bucket_level_access") if {
	some b in tenet.of_input_type("google_storage_bucket")
	tenet.bool_attr(b, "uniform_bucket_level_access", false) == false
	not prevention_enforced(b)
	not tenet.is_unknown(b, "public_access_prevention")
	msg := sprintf("Cloud Storage bucket %q allows object ACLs (uniform_bucket_level_access is off and public access prevention is not enforced)", [b.name])
}

undetermined contains tenet.finding(b, msg, key) if {
	some b in tenet.of_input_type("google_storage_bucket")
	some key in ["uniform_bucket_level_access", "public_access_prevention"]
	tenet.is_unknown(b, key)
	not tenet.bool_attr(b, "uniform_bucket_level_access", false) == true
	not prevention_enforced(b)
	msg := sprintf("whether Cloud Storage bucket %q allows object ACLs depends on %s, which is not known before apply", [b.name, key])
}

prevention_enforced(b) if lower(tenet.attr(b, "public_access_prevention", "inherited")) == "enforced"
