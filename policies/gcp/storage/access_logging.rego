# METADATA
# title: Cloud Storage access is logged
# description: >-
#   Records of who read, wrote or deleted objects are needed to investigate a leak or tampering
#   and to show who accessed regulated data. A bucket passes when it writes usage logs to a log
#   bucket (`logging` block) or when the configuration turns on Cloud Audit Logs Data Access
#   logging (DATA_READ and DATA_WRITE) for Cloud Storage or for all services, which Google
#   recommends over usage logs.
# scope: package
# custom:
#   id: gcp-storage-access-logging
#   check: object-storage-access-logging
#   severity: medium
#   resource_types: [google_storage_bucket]
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)"]
#     pci-dss-4.0: ["10.2.1"]
#   remediation: >-
#     Add a `google_project_iam_audit_config` for `storage.googleapis.com` (or `allServices`)
#     with DATA_READ and DATA_WRITE log types, or a `logging { log_bucket = ... }` block on the
#     bucket.
package rules.gcp.storage.access_logging

import rego.v1

import data.lib.gcp
import data.lib.tenet

deny contains tenet.finding(b, msg, "logging") if {
	some b in tenet.of_input_type("google_storage_bucket")
	not usage_logged(b)
	not tenet.is_unknown(b, "logging")
	not gcp.data_access_logged("storage.googleapis.com")
	msg := sprintf("Cloud Storage bucket %q has no access logging (no usage logs and no Data Access audit logs for Cloud Storage in the configuration)", [b.name])
}

undetermined contains tenet.finding(b, msg, "logging") if {
	some b in tenet.of_input_type("google_storage_bucket")
	not usage_logged(b)
	tenet.is_unknown(b, "logging")
	not gcp.data_access_logged("storage.googleapis.com")
	msg := sprintf("whether Cloud Storage bucket %q writes usage logs is not known before apply", [b.name])
}

usage_logged(b) if {
	some l in tenet.blocks(tenet.attr(b, "logging", []))
	tenet.get(l, "log_bucket", "") != ""
}

usage_logged(b) if {
	gcp.has_block(b, "logging")
	tenet.is_unknown(b, "logging[0].log_bucket")
}
