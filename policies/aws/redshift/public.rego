# METADATA
# title: Redshift clusters and workgroups are not publicly accessible
# description: >-
#   A publicly accessible cluster or serverless workgroup gets a public endpoint, so only its
#   security group stands between the warehouse and credential attacks from the internet.
#   Warehouses belong in private subnets, reached from applications and BI tools inside the
#   network. Flags `publicly_accessible = true`. Since January 2025 new clusters are private
#   unless asked otherwise; an unset value on a cluster created through an older provider,
#   which defaulted to public, cannot be told apart from the configuration.
# scope: package
# custom:
#   id: aws-redshift-public
#   check: database-public
#   severity: critical
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   resource_types: [aws_redshift_cluster, aws_redshiftserverless_workgroup]
#   remediation: >-
#     Set `publicly_accessible = false` and reach the warehouse through the VPC (VPN, Direct
#     Connect, or a Redshift-managed VPC endpoint).
package rules.aws.redshift.public

import rego.v1

import data.lib.tenet

types := {"aws_redshift_cluster", "aws_redshiftserverless_workgroup"}

deny contains tenet.finding(r, msg, "publicly_accessible") if {
	some r in input.resources
	r.type in types
	tenet.bool_attr(r, "publicly_accessible", false) == true
	msg := sprintf("%s %q is publicly accessible", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "publicly_accessible") if {
	some r in input.resources
	r.type in types
	tenet.is_unknown(r, "publicly_accessible")
	msg := sprintf("publicly_accessible of %s %q is not known before apply", [r.type, r.name])
}
