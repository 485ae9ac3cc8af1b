# METADATA
# title: GKE clusters enforce network policies
# description: >-
#   Without network policy enforcement every pod can reach every other pod and service in the
#   cluster, so one compromised workload can move laterally to databases and internal APIs.
#   Enforcement comes from GKE Dataplane V2 (`datapath_provider = "ADVANCED_DATAPATH"`,
#   always on in Autopilot) or the Calico network policy add-on (`network_policy { enabled =
#   true }`); NetworkPolicy objects have no effect without one of them.
# scope: package
# custom:
#   id: gcp-gke-network-policy
#   check: network-policy
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.2.1", "1.3.1"]
#   remediation: >-
#     Create the cluster with `datapath_provider = "ADVANCED_DATAPATH"` (Dataplane V2), or set
#     `network_policy { enabled = true }`; then define NetworkPolicy objects for each namespace.
package rules.gcp.gke.network_policy

import rego.v1

import data.lib.gcp
import data.lib.tenet

deciding := ["enable_autopilot", "datapath_provider", "network_policy"]

deny contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_container_cluster")
	not enforced(r)
	every p in deciding {
		not tenet.is_unknown(r, p)
	}
	msg := sprintf("GKE cluster %q does not enforce network policies (neither Dataplane V2 nor the network policy add-on)", [r.name])
}

undetermined contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_container_cluster")
	not enforced(r)
	some p in deciding
	tenet.is_unknown(r, p)
	msg := sprintf("whether GKE cluster %q enforces network policies depends on %s, which is not known before apply", [r.name, p])
}

enforced(r) if tenet.bool_attr(r, "enable_autopilot", false) == true

enforced(r) if upper(tenet.attr(r, "datapath_provider", "")) == "ADVANCED_DATAPATH"

enforced(r) if tenet.to_bool(tenet.get(gcp.first_block(r, "network_policy"), "enabled", false)) == true

attribute(r) := "network_policy" if gcp.has_block(r, "network_policy")

attribute(r) := "datapath_provider" if not gcp.has_block(r, "network_policy")
