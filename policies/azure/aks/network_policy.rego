# METADATA
# title: AKS clusters enforce Kubernetes network policies
# description: >-
#   Without a network policy engine, every pod can reach every other pod in the cluster, so one
#   compromised workload can probe databases, internal APIs and other tenants' pods, and
#   NetworkPolicy objects written to prevent that are silently ignored. AKS installs an engine
#   only when `networkProfile.networkPolicy` names one (azure, calico or cilium); a cluster
#   whose policy is absent or `none` is reported (Terraform: `network_profile.network_policy`).
#   A cluster on the Cilium data plane (`networkDataplane: cilium`, Terraform
#   `network_data_plane`/`ebpf_data_plane`) that leaves the policy unset is not reported, as
#   Cilium enforces network policies there.
# scope: package
# custom:
#   id: azure-aks-network-policy
#   check: network-policy
#   severity: medium
#   resource_types: [Microsoft.ContainerService/managedClusters, azurerm_kubernetes_cluster]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.2.1", "1.3.1"]
#   remediation: >-
#     ARM/Bicep: set `properties.networkProfile.networkPolicy` to 'azure', 'calico' or 'cilium'
#     (with `networkDataplane: 'cilium'`). Terraform: set `network_policy` in the
#     `network_profile` block. Then write NetworkPolicy objects, starting from a default deny.
package rules.azure.aks.network_policy

import rego.v1

import data.lib.tenet

arm_type := "Microsoft.ContainerService/managedClusters"

tf_type := "azurerm_kubernetes_cluster"

# [resource, policy path, policy, dataplane path(s)]
clusters contains [r, "properties.networkProfile.networkPolicy", policy, dataplane, ["properties.networkProfile.networkDataplane"]] if {
	some r in tenet.of_input_type(arm_type)
	policy := object.get(r.attributes, ["properties", "networkProfile", "networkPolicy"], null)
	dataplane := object.get(r.attributes, ["properties", "networkProfile", "networkDataplane"], null)
}

clusters contains [r, "network_profile[0].network_policy", policy, dataplane, ["network_profile[0].network_data_plane", "network_profile[0].ebpf_data_plane"]] if {
	some r in tenet.of_input_type(tf_type)
	p := tf_profile(r)
	policy := object.get(p, "network_policy", null)
	dataplane := object.get(p, "network_data_plane", object.get(p, "ebpf_data_plane", null))
}

tf_profile(r) := p if {
	some p in tenet.blocks(object.get(r.attributes, "network_profile", []))
	is_object(p)
}

tf_profile(r) := {} if count([p | some p in tenet.blocks(object.get(r.attributes, "network_profile", [])); is_object(p)]) == 0

deny contains tenet.finding(r, msg, path) if {
	some [r, path, policy, dataplane, dp_paths] in clusters
	not tenet.is_unknown(r, path)
	no_policy(policy)
	not cilium(dataplane)
	every p in dp_paths {
		not tenet.is_unknown(r, p)
	}
	msg := sprintf("AKS cluster %q has no network policy engine (network policy %v): pods can reach every other pod and NetworkPolicy objects are ignored", [r.name, policy_label(policy)])
}

undetermined contains tenet.finding(r, msg, path) if {
	some [r, path, policy, dataplane, dp_paths] in clusters
	could_lack(r, path, policy)
	not cilium(dataplane)
	some p in array.concat([path], dp_paths)
	tenet.is_unknown(r, p)
	msg := sprintf("whether AKS cluster %q enforces network policies depends on values not known before deployment", [r.name])
}

could_lack(r, path, _) if tenet.is_unknown(r, path)

could_lack(_, _, policy) if no_policy(policy)

no_policy(policy) if policy == null

no_policy(policy) if lower(sprintf("%v", [policy])) in {"", "none"}

cilium(dataplane) if lower(sprintf("%v", [dataplane])) == "cilium"

policy_label(null) := "unset"

policy_label(p) := sprintf("%q", [p]) if p != null
