# METADATA
# title: Ingresses serve their hosts over TLS
# description: >-
#   An Ingress without a `tls` section for a host makes the controller serve that host over
#   plain HTTP: credentials, session cookies and personal data cross the network, often the
#   internet, readable and modifiable by anyone on the path. Terminating TLS at the Ingress
#   (with the controller redirecting HTTP to HTTPS) protects the traffic up to the cluster.
# scope: package
# custom:
#   id: k8s-ingress-tls
#   check: tls-enforced
#   severity: high
#   resource_types:
#     - networking.k8s.io/v1/Ingress
#     - networking.k8s.io/v1beta1/Ingress
#     - extensions/v1beta1/Ingress
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: ["Art.32(1)(a)"]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     Add a `spec.tls` entry listing every host of the Ingress with the Secret holding its
#     certificate (cert-manager can issue and renew it), and keep the controller's HTTP to
#     HTTPS redirect on.
package rules.kubernetes.network.ingress_tls

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

ingresses contains r if {
	some r in input.resources
	r.provider == "kubernetes"
	k8s.kind(r) == "Ingress"
	k8s.group(r) in {"networking.k8s.io", "extensions"}
}

tls_entries(r) := [t | some t in k8s.list(k8s.get(r.attributes, ["spec", "tls"], [])); is_object(t)]

deny contains tenet.finding(r, msg, attribute) if {
	some r in ingresses
	count(tls_entries(r)) == 0
	attribute := no_tls_path(r)
	msg := sprintf("Ingress %q has no TLS (spec.tls): %s served over plain HTTP", [r.name, served(r)])
}

deny contains tenet.finding(r, msg, sprintf("spec.rules[%d].host", [i])) if {
	some r in ingresses
	entries := tls_entries(r)
	count(entries) > 0
	some i, rule in k8s.list(k8s.get(r.attributes, ["spec", "rules"], []))
	host := object.get(k8s.obj(rule), "host", "")
	is_string(host)
	host != ""
	not covered(lower(host), entries)
	msg := sprintf("Ingress %q serves host %q over plain HTTP: no spec.tls entry lists it", [r.name, host])
}

# HTTP left on next to HTTPS: ingress-nginx redirects to HTTPS unless told not to.
redirect_annotations := {"nginx.ingress.kubernetes.io/ssl-redirect", "ingress.kubernetes.io/ssl-redirect"}

deny contains tenet.finding(r, msg, sprintf("metadata.annotations[%q]", [key])) if {
	some r in ingresses
	count(tls_entries(r)) > 0
	some key in redirect_annotations
	lower(sprintf("%v", [k8s.get(r.attributes, ["metadata", "annotations", key], "")])) == "false"
	msg := sprintf("Ingress %q keeps serving plain HTTP beside HTTPS (%s: \"false\")", [r.name, key])
}

# A TLS entry without hosts applies to every host of the Ingress.
covered(host, entries) if {
	some t in entries
	count(k8s.rule_values(t, "hosts")) == 0
}

covered(host, entries) if {
	some t in entries
	some h in k8s.rule_values(t, "hosts")
	matches(lower(h), host)
}

matches(pattern, host) if pattern == host

# `*.example.com` covers exactly one label in front of example.com.
matches(pattern, host) if {
	startswith(pattern, "*.")
	suffix := substring(pattern, 1, -1)
	endswith(host, suffix)
	label := trim_suffix(host, suffix)
	label != ""
	not contains(label, ".")
}

no_tls_path(r) := "spec.rules" if k8s.get(r.attributes, ["spec", "rules"], null) != null

no_tls_path(r) := "spec" if k8s.get(r.attributes, ["spec", "rules"], null) == null

served(r) := sprintf("%s is", [concat(", ", hosts)]) if {
	hosts := [sprintf("%q", [h]) | some rule in k8s.list(k8s.get(r.attributes, ["spec", "rules"], [])); h := object.get(k8s.obj(rule), "host", ""); is_string(h); h != ""]
	count(hosts) > 0
} else := "its traffic is"
