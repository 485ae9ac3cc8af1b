package rules.kubernetes.network.network_policy_test

import rego.v1

import data.lib.fixtures
import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.network.network_policy as rule

findings(batch, all) := fs if {
	fs := rule.deny with input as {"resources": batch} with data.inventory as fixtures.inventory(all)
}

ns(name) := kf.resource("v1/Namespace", name, {})

deny_all(namespace) := kf.in_namespace(kf.resource("networking.k8s.io/v1/NetworkPolicy", "default-deny", {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}), namespace)

test_namespace_without_policy_fires if {
	all := [ns("shop"), ns("billing"), deny_all("shop")]
	fs := [f | some f in findings([ns("shop"), ns("billing")], all)]
	count(fs) == 1
	contains(fs[0].message, `"billing"`)
	fs[0].attribute == "metadata.name"
}

test_cilium_policy_counts if {
	p := kf.in_namespace(kf.resource("cilium.io/v2/CiliumNetworkPolicy", "p", {"spec": {}}), "shop")
	count(findings([ns("shop")], [ns("shop"), p])) == 0
}

test_cluster_wide_policy_passes_all if {
	g := kf.resource("projectcalico.org/v3/GlobalNetworkPolicy", "default-deny", {"spec": {}})
	count(findings([ns("shop")], [ns("shop"), g])) == 0
}

test_policy_without_namespace_does_not_count if {
	p := kf.resource("networking.k8s.io/v1/NetworkPolicy", "p", {"spec": {"podSelector": {}}})
	count(findings([ns("shop")], [ns("shop"), p])) == 1
}
