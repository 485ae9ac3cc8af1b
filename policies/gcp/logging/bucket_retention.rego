# METADATA
# title: Cloud Logging buckets keep logs long enough
# description: >-
#   Log buckets delete entries after their retention period (30 days unless set). Breaches
#   are often found months after they begin, and audit requirements such as PCI DSS ask for a
#   year of audit history; logs deleted earlier cannot support an investigation. Buckets
#   retaining logs for less than `min_log_retention_days` (365 by default) are reported.
# scope: package
# custom:
#   id: gcp-logging-bucket-retention
#   check: log-retention
#   severity: medium
#   resource_types:
#     - google_logging_project_bucket_config
#     - google_logging_folder_bucket_config
#     - google_logging_organization_bucket_config
#     - google_logging_billing_account_bucket_config
#   params:
#     min_log_retention_days: 365
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)"]
#     pci-dss-4.0: ["10.5.1"]
#   remediation: >-
#     Set `retention_days` on the bucket config to at least the required retention (365 for a
#     year), or route the logs with a sink to a bucket or storage that keeps them that long.
package rules.gcp.logging.bucket_retention

import rego.v1

import data.lib.tenet

types := [
	"google_logging_project_bucket_config", "google_logging_folder_bucket_config",
	"google_logging_organization_bucket_config", "google_logging_billing_account_bucket_config",
]

deny contains tenet.finding(r, msg, "retention_days") if {
	some t in types
	some r in tenet.of_input_type(t)
	days := tenet.number(tenet.attr(r, "retention_days", 30))
	days < data.config.min_log_retention_days
	msg := sprintf("log bucket %v (%s %q) keeps logs for %v days, less than the required %v", [tenet.attr(r, "bucket_id", r.name), r.type, r.name, days, data.config.min_log_retention_days])
}

undetermined contains tenet.finding(r, msg, "retention_days") if {
	some t in types
	some r in tenet.of_input_type(t)
	tenet.is_unknown(r, "retention_days")
	msg := sprintf("the retention of %s %q is not known before apply", [r.type, r.name])
}
