# METADATA
# title: Security groups do not open every port to the internet
# description: >-
#   An ingress rule for all protocols, or for the whole TCP/UDP port range, from 0.0.0.0/0 or
#   ::/0 makes every service on the attached instances (databases, admin consoles, debug
#   endpoints) reachable by anyone. Network segmentation requires inbound traffic to be limited
#   to the ports a workload serves.
# scope: package
# custom:
#   id: aws-ec2-sg-all-ports-public
#   check: all-ports-public
#   severity: critical
#   resource_types: [aws_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     Replace the rule with rules for the specific ports the workload serves, from the sources
#     that need them; put public services behind a load balancer.
package rules.aws.ec2.sg_all_ports_public

import rego.v1

import data.lib.aws
import data.lib.tenet

deny contains tenet.finding(rule.resource, msg, rule.attribute) if {
	some rule in data.lib.aws.public_ingress
	aws.all_ports(rule)
	msg := sprintf("%s %q allows every port (protocol %v) from %s", [rule.resource.type, rule.resource.name, rule.protocol, rule.cidr])
}

undetermined contains tenet.finding(rule.resource, msg, rule.attribute) if {
	some rule in data.lib.aws.maybe_public_ingress
	could_open_all(rule)
	msg := sprintf("whether %s %q opens every port to the internet depends on values not known before apply", [rule.resource.type, rule.resource.name])
}

undetermined contains tenet.finding(r, msg, "") if {
	some r in data.lib.aws.unknown_ingress
	msg := sprintf("the ingress rules of %s %q are not known before apply", [r.type, r.name])
}

could_open_all(rule) if rule.ports_unknown

could_open_all(rule) if aws.all_ports(rule)
