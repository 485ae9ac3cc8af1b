# METADATA
# title: RDS instances are not publicly accessible
# description: >-
#   A publicly accessible database gets a public DNS name and IP address, so its listener is
#   one security-group mistake away from the internet and is exposed to credential stuffing
#   and exploits of the engine. Databases holding regulated data belong in private subnets,
#   reached from the application tier only.
# scope: package
# custom:
#   id: aws-rds-public-access
#   check: database-public
#   severity: critical
#   resource_types: [aws_db_instance, aws_rds_cluster_instance]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Set `publicly_accessible = false` and place the instance in private subnets (a DB subnet
#     group without routes to an internet gateway).
package rules.aws.rds.public_access

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "publicly_accessible") if {
	some r in input.resources
	r.type in {"aws_db_instance", "aws_rds_cluster_instance"}
	tenet.bool_attr(r, "publicly_accessible", false) == true
	msg := sprintf("%s %q is publicly accessible", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "publicly_accessible") if {
	some r in input.resources
	r.type in {"aws_db_instance", "aws_rds_cluster_instance"}
	tenet.is_unknown(r, "publicly_accessible")
	msg := sprintf("publicly_accessible of %s %q is not known before apply", [r.type, r.name])
}
