# METADATA
# title: LoadBalancer Services are internal or restricted to known sources
# description: >-
#   A Service of type LoadBalancer makes the cloud provider create a load balancer with a
#   public address by default, reachable from the whole internet unless
#   `loadBalancerSourceRanges` narrows it. That publishes the selected pods beside every
#   other exposure control (Ingress, WAF, API gateway) and invites scanning and attacks on
#   whatever the port serves.
# scope: package
# custom:
#   id: k8s-service-load-balancer-public
#   check: public-ip
#   severity: medium
#   resource_types:
#     - v1/Service
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: []
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.4.2", "1.4.4"]
#   remediation: >-
#     Make the load balancer internal with your provider's annotation (for example
#     `service.beta.kubernetes.io/aws-load-balancer-scheme: internal`,
#     `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`,
#     `networking.gke.io/load-balancer-type: Internal`), or list the client networks in
#     `spec.loadBalancerSourceRanges`; publish HTTP services through an Ingress instead.
package rules.kubernetes.network.load_balancer_public

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

# Annotations that make the provider create an internal load balancer, with the values that
# do (lower case); "*" for any value but "false".
internal_annotations := {
	"service.beta.kubernetes.io/aws-load-balancer-internal": "*",
	"service.beta.kubernetes.io/aws-load-balancer-scheme": {"internal"},
	"service.beta.kubernetes.io/azure-load-balancer-internal": {"true"},
	"networking.gke.io/load-balancer-type": {"internal"},
	"cloud.google.com/load-balancer-type": {"internal"},
	"service.beta.kubernetes.io/oci-load-balancer-internal": {"true"},
	"service.beta.kubernetes.io/openstack-internal-load-balancer": {"true"},
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": {"intranet"},
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": {"private"},
}

source_ranges_annotation := "service.beta.kubernetes.io/load-balancer-source-ranges"

open_ranges := {"0.0.0.0/0", "::/0"}

services contains r if {
	some r in input.resources
	r.provider == "kubernetes"
	k8s.group(r) == ""
	k8s.kind(r) == "Service"
	k8s.get(r.attributes, ["spec", "type"], "ClusterIP") == "LoadBalancer"
	not internal(r)
}

annotation(r, key) := lower(trim_space(sprintf("%v", [v]))) if {
	v := k8s.get(r.attributes, ["metadata", "annotations", key], null)
	v != null
}

internal(r) if {
	some key, values in internal_annotations
	v := annotation(r, key)
	accepted(values, v)
}

accepted("*", v) if v != "false"

accepted(values, v) if {
	is_set(values)
	v in values
}

# The source ranges from the field, else from the older annotation: [[range, path], ...].
ranges(r) := [[x, sprintf("spec.loadBalancerSourceRanges[%d]", [i])] |
	some i, x in k8s.list(k8s.get(r.attributes, ["spec", "loadBalancerSourceRanges"], []))
	is_string(x)
] if count(k8s.list(k8s.get(r.attributes, ["spec", "loadBalancerSourceRanges"], []))) > 0

ranges(r) := [[trim_space(x), sprintf("metadata.annotations[%q]", [source_ranges_annotation])] |
	some x in split(annotation(r, source_ranges_annotation), ",")
	trim_space(x) != ""
] if count(k8s.list(k8s.get(r.attributes, ["spec", "loadBalancerSourceRanges"], []))) == 0

ranges(r) := [] if {
	count(k8s.list(k8s.get(r.attributes, ["spec", "loadBalancerSourceRanges"], []))) == 0
	not annotation(r, source_ranges_annotation)
}

deny contains tenet.finding(r, msg, "spec.type") if {
	some r in services
	count(ranges(r)) == 0
	msg := sprintf("Service %q of type LoadBalancer gets a public load balancer open to any source (no internal annotation, no loadBalancerSourceRanges)", [r.name])
}

deny contains tenet.finding(r, msg, x[1]) if {
	some r in services
	some x in ranges(r)
	x[0] in open_ranges
	msg := sprintf("Service %q of type LoadBalancer allows any source (%s) to its public load balancer", [r.name, x[0]])
}
