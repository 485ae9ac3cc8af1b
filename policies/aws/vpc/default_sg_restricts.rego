# METADATA
# title: Default security groups allow no traffic
# description: >-
#   Every VPC has a default security group that resources join when no group is named. If it
#   allows traffic, anything launched carelessly is reachable, and everything in it can reach
#   everything else. Managing it with an aws_default_security_group without ingress or egress
#   blocks removes all its rules; blocks there, or separate rules attached to it, open it again.
# scope: package
# custom:
#   id: aws-vpc-default-sg-restricts
#   check: default-network-deny
#   severity: medium
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.2.1", "1.3.1"]
#   resource_types: [aws_default_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule, aws_vpc_security_group_egress_rule]
#   remediation: >-
#     Declare `aws_default_security_group` for each VPC with no `ingress` or `egress` blocks,
#     and put the rules resources need in dedicated security groups.
package rules.aws.vpc.default_sg_restricts

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, sprintf("%s[0]", [dir])) if {
	some r in tenet.of_input_type("aws_default_security_group")
	some dir in ["ingress", "egress"]
	not dir in r.unknown
	n := count(tenet.blocks(tenet.attr(r, dir, [])))
	n > 0
	msg := sprintf("default security group %q keeps %d %s rule(s); it should allow no traffic", [r.name, n, dir])
}

undetermined contains tenet.finding(r, msg, dir) if {
	some r in tenet.of_input_type("aws_default_security_group")
	some dir in ["ingress", "egress"]
	dir in r.unknown
	msg := sprintf("the %s rules of default security group %q are not known before apply", [dir, r.name])
}

rule_types := {"aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"}

# Separate rules attached to a default security group.
deny contains tenet.finding(r, msg, "security_group_id") if {
	some r in input.resources
	r.type in rule_types
	some ref in r.refs
	ref.attribute == "security_group_id"
	ref.direct
	sg := data.inventory.resources[ref.to]
	sg.type == "aws_default_security_group"
	msg := sprintf("%s %q adds a rule to default security group %q, which should allow no traffic", [r.type, r.name, sg.name])
}
