# METADATA
# title: CloudTrail log file validation is enabled
# description: >-
#   Log file validation makes CloudTrail write signed digest files, so anyone can later prove
#   that delivered log files were not modified or deleted. Without it, an intruder who reaches
#   the log bucket can rewrite history and the audit trail loses its value as evidence.
# scope: package
# custom:
#   id: aws-cloudtrail-log-validation
#   check: audit-log-integrity
#   severity: medium
#   resource_types: [aws_cloudtrail]
#   controls:
#     soc2: [CC7.2]
#     iso27001-2022: [A.8.15]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)", "164.312(c)(1)"]
#     pci-dss-4.0: ["10.3.2", "10.3.4"]
#   remediation: >-
#     Set `enable_log_file_validation = true`; validate with `aws cloudtrail validate-logs`.
package rules.aws.cloudtrail.log_validation

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "enable_log_file_validation") if {
	some r in tenet.of_input_type("aws_cloudtrail")
	not tenet.is_unknown(r, "enable_log_file_validation")
	tenet.bool_attr(r, "enable_log_file_validation", false) == false
	msg := sprintf("CloudTrail trail %q does not sign its log files (enable_log_file_validation is not true)", [r.name])
}

undetermined contains tenet.finding(r, msg, "enable_log_file_validation") if {
	some r in tenet.of_input_type("aws_cloudtrail")
	tenet.is_unknown(r, "enable_log_file_validation")
	msg := sprintf("enable_log_file_validation of trail %q is not known before apply", [r.name])
}
