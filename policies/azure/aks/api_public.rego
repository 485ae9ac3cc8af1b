# METADATA
# title: AKS API servers are private or limited to authorized IP ranges
# description: >-
#   The Kubernetes API server is the cluster's control plane: anyone who can reach it can try
#   stolen kubeconfigs, tokens and API vulnerabilities against it. An AKS cluster's API server
#   has a public endpoint open to every address unless the cluster is private
#   (`apiServerAccessProfile.enablePrivateCluster`, Terraform `private_cluster_enabled`) or the
#   endpoint is limited to `authorizedIPRanges` (Terraform
#   `api_server_access_profile.authorized_ip_ranges`, or `api_server_authorized_ip_ranges` in
#   provider v3). A cluster with neither, or whose ranges include 0.0.0.0/0, is reported.
# scope: package
# custom:
#   id: azure-aks-api-public
#   check: kubernetes-api-public
#   severity: high
#   resource_types: [Microsoft.ContainerService/managedClusters, azurerm_kubernetes_cluster]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     ARM/Bicep: set `properties.apiServerAccessProfile.enablePrivateCluster: true`, or list
#     the administrators' and CI's addresses in `apiServerAccessProfile.authorizedIPRanges`.
#     Terraform: set `private_cluster_enabled = true`, or `api_server_access_profile {
#     authorized_ip_ranges = [...] }`.
package rules.azure.aks.api_public

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_type := "Microsoft.ContainerService/managedClusters"

tf_type := "azurerm_kubernetes_cluster"

profile := "properties.apiServerAccessProfile"

# [resource, finding path, private: yes/no/unknown, ranges: limited/open/unknown]
facts contains [r, profile, private, ranges] if {
	some r in tenet.of_input_type(arm_type)
	private := known(r, sprintf("%s.enablePrivateCluster", [profile]), object.get(r.attributes, ["properties", "apiServerAccessProfile", "enablePrivateCluster"], false))
	ranges := range_state(r, [sprintf("%s.authorizedIPRanges", [profile])], object.get(r.attributes, ["properties", "apiServerAccessProfile", "authorizedIPRanges"], []))
}

facts contains [r, "private_cluster_enabled", private, ranges] if {
	some r in tenet.of_input_type(tf_type)
	private := known(r, "private_cluster_enabled", object.get(r.attributes, "private_cluster_enabled", false))
	listed := array.concat(
		[x | some p in tenet.blocks(object.get(r.attributes, "api_server_access_profile", [])); is_object(p); some x in tenet.as_list(object.get(p, "authorized_ip_ranges", []))],
		tenet.as_list(object.get(r.attributes, "api_server_authorized_ip_ranges", [])),
	)
	ranges := range_state(r, ["api_server_access_profile", "api_server_authorized_ip_ranges"], listed)
}

deny contains tenet.finding(r, msg, path) if {
	some [r, path, "no", "open"] in facts
	msg := sprintf("AKS cluster %q exposes its API server to every address: it is not private and has no authorized IP ranges (or one of them is 0.0.0.0/0)", [r.name])
}

undetermined contains tenet.finding(r, msg, path) if {
	some [r, path, private, ranges] in facts
	private in {"no", "unknown"}
	ranges in {"open", "unknown"}
	"unknown" in {private, ranges}
	msg := sprintf("whether the API server of AKS cluster %q is reachable from the internet depends on values not known before deployment", [r.name])
}

known(r, path, _) := "unknown" if tenet.is_unknown(r, path)

known(r, path, v) := "yes" if {
	not tenet.is_unknown(r, path)
	tenet.to_bool(v) == true
}

known(r, path, v) := "no" if {
	not tenet.is_unknown(r, path)
	not tenet.to_bool(v) == true
}

range_state(r, paths, _) := "unknown" if {
	some p in paths
	tenet.is_unknown(r, p)
}

range_state(r, paths, listed) := "limited" if {
	every p in paths {
		not tenet.is_unknown(r, p)
	}
	limited(listed)
}

range_state(r, paths, listed) := "open" if {
	every p in paths {
		not tenet.is_unknown(r, p)
	}
	not limited(listed)
}

limited(listed) if {
	count([x | some x in listed; x != null]) > 0
	every x in listed {
		not azure.internet_source(x)
	}
}
