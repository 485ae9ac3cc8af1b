# METADATA
# title: VPCs have flow logs
# description: >-
#   VPC flow logs record the connections accepted and rejected by network interfaces in the
#   VPC: the evidence needed to spot scanning, data exfiltration or lateral movement and to
#   reconstruct an incident. A VPC passes when an aws_flow_log in the configuration refers to
#   it through `vpc_id`; flow logs created elsewhere (another stack, an organization-wide
#   setup) cannot be seen and would have to be recorded as an exception.
# scope: package
# custom:
#   id: aws-vpc-flow-logs
#   check: flow-logs
#   severity: medium
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   resource_types: [aws_vpc]
#   remediation: >-
#     Add an `aws_flow_log` with `vpc_id = aws_vpc.<name>.id`, `traffic_type = "ALL"` and a
#     CloudWatch Logs or S3 destination.
package rules.aws.vpc.flow_logs

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_flow_log"

deny contains tenet.finding(v, msg, "cidr_block") if {
	some v in tenet.of_input_type("aws_vpc")
	count(aws.linked(v, companion, "vpc_id")) == 0
	not aws.unresolved_link_to(v, companion, "vpc_id")
	msg := sprintf("VPC %q has no flow log (no aws_flow_log with vpc_id referring to it)", [v.name])
}

undetermined contains tenet.finding(v, msg, "cidr_block") if {
	some v in tenet.of_input_type("aws_vpc")
	count(aws.linked(v, companion, "vpc_id")) == 0
	aws.unresolved_link_to(v, companion, "vpc_id")
	msg := sprintf("whether VPC %q has a flow log depends on values not known before apply (an aws_flow_log whose vpc_id or existence is unknown)", [v.name])
}
