package rules.kubernetes.network.load_balancer_public_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.network.load_balancer_public as rule

svc(spec, annotations) := kf.resource("v1/Service", "web", {"metadata": {"name": "web", "annotations": annotations}, "spec": object.union({"selector": {"app": "web"}, "ports": [{"port": 443}]}, spec)})

test_public_load_balancer_fires if {
	some f in rule.deny with input as {"resources": [svc({"type": "LoadBalancer"}, {})]}
	f.attribute == "spec.type"
}

test_open_source_range_fires if {
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [svc({"type": "LoadBalancer", "loadBalancerSourceRanges": ["203.0.113.0/24", "0.0.0.0/0"]}, {})]}
	attrs == {"spec.loadBalancerSourceRanges[1]"}
}

test_open_range_annotation_fires if {
	s := svc({"type": "LoadBalancer"}, {"service.beta.kubernetes.io/load-balancer-source-ranges": "10.0.0.0/8, 0.0.0.0/0"})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [s]}
	attrs == {`metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]`}
}

test_restricted_passes if {
	count(rule.deny) == 0 with input as {"resources": [svc({"type": "LoadBalancer", "loadBalancerSourceRanges": ["203.0.113.0/24"]}, {})]}
}

test_internal_annotations_pass if {
	every a in [
		{"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
		{"service.beta.kubernetes.io/aws-load-balancer-internal": "true"},
		{"service.beta.kubernetes.io/azure-load-balancer-internal": true},
		{"networking.gke.io/load-balancer-type": "Internal"},
	] {
		count(rule.deny) == 0 with input as {"resources": [svc({"type": "LoadBalancer"}, a)]}
	}
}

test_azure_internal_false_fires if {
	count(rule.deny) == 1 with input as {"resources": [svc({"type": "LoadBalancer"}, {"service.beta.kubernetes.io/azure-load-balancer-internal": "false"})]}
}

test_cluster_ip_passes if {
	count(rule.deny) == 0 with input as {"resources": [svc({}, {})]}
}
