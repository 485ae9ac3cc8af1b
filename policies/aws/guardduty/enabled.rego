# METADATA
# title: GuardDuty detectors are enabled
# description: >-
#   GuardDuty analyses CloudTrail, VPC flow and DNS logs for compromised credentials,
#   cryptocurrency mining, reconnaissance and exfiltration. A detector declared with
#   `enable = false` is suspended: it produces no findings, so threats in the account and
#   region go unnoticed while the configuration suggests monitoring is in place.
# scope: package
# custom:
#   id: aws-guardduty-enabled
#   check: threat-detection
#   severity: medium
#   controls:
#     soc2: [CC7.1, CC7.2]
#     iso27001-2022: [A.8.7, A.8.16]
#     gdpr: [Art.32(1)(d)]
#     hipaa: ["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"]
#     pci-dss-4.0: ["10.4.1", "11.5.1"]
#   resource_types: [aws_guardduty_detector]
#   remediation: >-
#     Set `enable = true` (the default) on `aws_guardduty_detector`, in every region in use, and
#     send its findings to Security Hub or an alerting pipeline.
package rules.aws.guardduty.enabled

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "enable") if {
	some r in tenet.of_input_type("aws_guardduty_detector")
	tenet.bool_attr(r, "enable", true) == false
	msg := sprintf("GuardDuty detector %q is disabled (enable = false)", [r.name])
}

undetermined contains tenet.finding(r, msg, "enable") if {
	some r in tenet.of_input_type("aws_guardduty_detector")
	tenet.is_unknown(r, "enable")
	msg := sprintf("enable of GuardDuty detector %q is not known before apply", [r.name])
}
