# METADATA
# title: CloudTrail trails record all regions
# description: >-
#   A single-region trail misses API activity in every other region, which is exactly where an
#   attacker with stolen credentials would start instances or create resources unnoticed. A
#   multi-region trail gives one complete audit record of control-plane activity, which every
#   framework's logging requirement assumes.
# scope: package
# custom:
#   id: aws-cloudtrail-multi-region
#   check: audit-trail
#   severity: high
#   resource_types: [aws_cloudtrail]
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32, Art.33]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: Set `is_multi_region_trail = true` (and `include_global_service_events = true`).
package rules.aws.cloudtrail.multi_region

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "is_multi_region_trail") if {
	some r in tenet.of_input_type("aws_cloudtrail")
	not tenet.is_unknown(r, "is_multi_region_trail")
	tenet.bool_attr(r, "is_multi_region_trail", false) == false
	msg := sprintf("CloudTrail trail %q records only its own region", [r.name])
}

undetermined contains tenet.finding(r, msg, "is_multi_region_trail") if {
	some r in tenet.of_input_type("aws_cloudtrail")
	tenet.is_unknown(r, "is_multi_region_trail")
	msg := sprintf("is_multi_region_trail of trail %q is not known before apply", [r.name])
}
