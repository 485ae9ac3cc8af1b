# METADATA
# title: Namespaces have a NetworkPolicy
# description: >-
#   Kubernetes lets every pod talk to every other pod in the cluster, in any namespace, until
#   a NetworkPolicy selects it. A namespace without one has no segmentation at all: a single
#   compromised pod anywhere can reach its databases and internal APIs directly. A default
#   deny policy per namespace, with explicit allows, limits that lateral movement.
# scope: package
# custom:
#   id: k8s-network-policy
#   check: network-policy
#   admission: false
#   severity: medium
#   resource_types:
#     - v1/Namespace
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.2.1", "1.3.1"]
#   remediation: >-
#     Add a NetworkPolicy to the namespace that denies all ingress (and egress where
#     feasible) by default (`podSelector: {}`), then policies that allow the flows the
#     workloads need. The cluster's network plugin must enforce NetworkPolicies.
package rules.kubernetes.network.network_policy

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

# Namespaced policy kinds by API group: the Kubernetes one and those of Calico and Cilium.
namespaced := {
	"networking.k8s.io": {"NetworkPolicy"},
	"projectcalico.org": {"NetworkPolicy"},
	"crd.projectcalico.org": {"NetworkPolicy"},
	"cilium.io": {"CiliumNetworkPolicy"},
}

# Cluster-wide policies may segment every namespace: with one in the scan, no finding.
cluster_wide := {
	"policy.networking.k8s.io": {"AdminNetworkPolicy", "BaselineAdminNetworkPolicy"},
	"projectcalico.org": {"GlobalNetworkPolicy"},
	"crd.projectcalico.org": {"GlobalNetworkPolicy"},
	"cilium.io": {"CiliumClusterwideNetworkPolicy"},
}

types_of(kinds) := {t |
	some t, _ in data.inventory.by_type
	parts := split(t, "/")
	count(parts) == 3
	parts[2] in object.get(kinds, parts[0], set())
}

# Namespaces that some policy in the scan is deployed into.
covered contains ns if {
	some t in types_of(namespaced)
	some id in data.inventory.by_type[t]
	ns := k8s.namespace(data.inventory.resources[id])
	ns != null
}

any_cluster_wide if {
	some t in types_of(cluster_wide)
	count(data.inventory.by_type[t]) > 0
}

deny contains tenet.finding(r, msg, "metadata.name") if {
	not any_cluster_wide
	some r in input.resources
	r.provider == "kubernetes"
	k8s.group(r) == ""
	k8s.kind(r) == "Namespace"
	not r.name in covered
	msg := sprintf("Namespace %q has no NetworkPolicy in the scanned manifests: every pod in the cluster can reach its pods", [r.name])
}
