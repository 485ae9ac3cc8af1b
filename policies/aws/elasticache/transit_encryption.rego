# METADATA
# title: ElastiCache replication groups encrypt traffic in transit
# description: >-
#   Caches hold session tokens, user profiles and query results. Without in-transit
#   encryption, clients, replicas and the cache exchange them in clear text that anyone on
#   the network path can read or alter. `transit_encryption_mode = "preferred"` still accepts
#   unencrypted clients and counts as not enforced.
# scope: package
# custom:
#   id: aws-elasticache-transit-encryption
#   check: database-tls
#   severity: high
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   resource_types: [aws_elasticache_replication_group]
#   remediation: >-
#     Set `transit_encryption_enabled = true` (with `transit_encryption_mode = "required"`,
#     its default) and use TLS in clients; combine with `auth_token` or RBAC user groups.
package rules.aws.elasticache.transit_encryption

import rego.v1

import data.lib.tenet

groups := tenet.of_input_type("aws_elasticache_replication_group")

deny contains tenet.finding(r, msg, "transit_encryption_enabled") if {
	some r in groups
	tenet.bool_attr(r, "transit_encryption_enabled", false) == false
	msg := sprintf("ElastiCache replication group %q does not encrypt traffic in transit", [r.name])
}

deny contains tenet.finding(r, msg, "transit_encryption_mode") if {
	some r in groups
	tenet.bool_attr(r, "transit_encryption_enabled", false) == true
	tenet.attr(r, "transit_encryption_mode", "required") == "preferred"
	msg := sprintf("ElastiCache replication group %q still accepts unencrypted connections (transit_encryption_mode = \"preferred\")", [r.name])
}

undetermined contains tenet.finding(r, msg, a) if {
	some r in groups
	some a in ["transit_encryption_enabled", "transit_encryption_mode"]
	tenet.is_unknown(r, a)
	msg := sprintf("%s of ElastiCache replication group %q is not known before apply", [a, r.name])
}
