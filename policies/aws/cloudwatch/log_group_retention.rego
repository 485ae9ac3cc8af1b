# METADATA
# title: CloudWatch log groups keep logs long enough
# description: >-
#   Investigations and audits need logs from well before an incident is noticed; PCI DSS, for
#   one, asks for a year of audit history. A log group whose retention is shorter than the
#   `min_log_retention_days` parameter (365 by default) deletes its events before then. A
#   retention of 0 or none keeps events forever and passes (mind the storage cost).
# scope: package
# custom:
#   id: aws-cloudwatch-log-retention
#   check: log-retention
#   severity: medium
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)"]
#     pci-dss-4.0: ["10.5.1"]
#   resource_types: [aws_cloudwatch_log_group]
#   params:
#     min_log_retention_days: 365
#   remediation: >-
#     Set `retention_in_days` to at least the required period (365, 400, 545, 731, ... are
#     accepted values), or export logs to an S3 bucket with a matching lifecycle.
package rules.aws.cloudwatch.log_group_retention

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "retention_in_days") if {
	some r in tenet.of_input_type("aws_cloudwatch_log_group")
	not tenet.is_unknown(r, "retention_in_days")
	days := tenet.number(tenet.attr(r, "retention_in_days", 0))
	days > 0
	days < data.config.min_log_retention_days
	msg := sprintf("CloudWatch log group %q keeps events for %v day(s), less than the required %v", [r.name, days, data.config.min_log_retention_days])
}

undetermined contains tenet.finding(r, msg, "retention_in_days") if {
	some r in tenet.of_input_type("aws_cloudwatch_log_group")
	tenet.is_unknown(r, "retention_in_days")
	msg := sprintf("retention_in_days of log group %q is not known before apply", [r.name])
}
