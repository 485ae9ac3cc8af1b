# METADATA
# title: Security groups do not open SSH or RDP to the internet
# description: >-
#   SSH (22) and RDP (3389) reachable from 0.0.0.0/0 or ::/0 expose administrative logins to
#   constant brute-force and exploit attempts from the whole internet. Administrative access
#   belongs behind a bastion, VPN, Session Manager or an allow-list of known addresses.
#   (Rules that open every port are reported by aws-ec2-sg-all-ports-public instead.)
# scope: package
# custom:
#   id: aws-ec2-sg-admin-ports-public
#   check: admin-ports-public
#   severity: critical
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     Restrict the rule's source to known address ranges (or a source security group), or
#     remove it and reach instances through AWS Systems Manager Session Manager or a bastion.
package rules.aws.ec2.sg_admin_ports_public

import rego.v1

import data.lib.aws
import data.lib.tenet

admin_ports := {22: "SSH", 3389: "RDP"}

deny contains tenet.finding(rule.resource, msg, rule.attribute) if {
	some rule in data.lib.aws.public_ingress
	not aws.all_ports(rule)
	opened := admin_opened(rule)
	count(opened) > 0
	msg := sprintf("%s %q allows %s from %s", [rule.resource.type, rule.resource.name, concat(" and ", opened), rule.cidr])
}

undetermined contains tenet.finding(rule.resource, msg, rule.attribute) if {
	some rule in data.lib.aws.maybe_public_ingress
	could_open_admin(rule)
	msg := sprintf("whether %s %q opens SSH or RDP to the internet depends on values not known before apply", [rule.resource.type, rule.resource.name])
}

undetermined contains tenet.finding(r, msg, "") if {
	some r in data.lib.aws.unknown_ingress
	msg := sprintf("the ingress rules of %s %q are not known before apply", [r.type, r.name])
}

admin_opened(rule) := [sprintf("%s (port %d)", [name, port]) |
	some port, name in admin_ports
	aws.opens_tcp_port(rule.protocol, rule.from, rule.to, port)
]

could_open_admin(rule) if rule.ports_unknown

could_open_admin(rule) if {
	not aws.all_ports(rule)
	count(admin_opened(rule)) > 0
}
