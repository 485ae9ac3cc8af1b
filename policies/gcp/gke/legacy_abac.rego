# METADATA
# title: GKE clusters do not use legacy ABAC authorization
# description: >-
#   Legacy attribute-based access control grants broad, static permissions that Kubernetes RBAC
#   cannot narrow: with it enabled, service accounts and users can receive rights far beyond
#   their role, and RBAC's least-privilege bindings no longer bound what a compromised pod's
#   credentials can do. It is disabled by default and should stay off.
# scope: package
# custom:
#   id: gcp-gke-legacy-abac
#   check: least-privilege
#   severity: high
#   resource_types: [google_container_cluster]
#   controls:
#     soc2: [CC6.1, CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: Remove `enable_legacy_abac` (or set it to false) and grant access with Kubernetes RBAC and IAM.
package rules.gcp.gke.legacy_abac

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "enable_legacy_abac") if {
	some r in tenet.of_input_type("google_container_cluster")
	tenet.bool_attr(r, "enable_legacy_abac", false) == true
	msg := sprintf("GKE cluster %q enables legacy ABAC authorization", [r.name])
}

undetermined contains tenet.finding(r, msg, "enable_legacy_abac") if {
	some r in tenet.of_input_type("google_container_cluster")
	tenet.is_unknown(r, "enable_legacy_abac")
	msg := sprintf("whether GKE cluster %q enables legacy ABAC is not known before apply", [r.name])
}
