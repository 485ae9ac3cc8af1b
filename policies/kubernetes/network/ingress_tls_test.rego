package rules.kubernetes.network.ingress_tls_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.network.ingress_tls as rule

ingress(spec) := kf.resource("networking.k8s.io/v1/Ingress", "web", {"spec": spec})

backend := {"service": {"name": "web", "port": {"number": 80}}}

rules(hosts) := [{"host": h, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}} | some h in hosts]

test_no_tls_fires if {
	fs := [f | some f in rule.deny] with input as {"resources": [ingress({"rules": rules(["shop.example.com"])})]}
	count(fs) == 1
	fs[0].attribute == "spec.rules"
	contains(fs[0].message, `"shop.example.com" is served over plain HTTP`)
}

test_default_backend_only_fires if {
	r := kf.resource("extensions/v1beta1/Ingress", "web", {"spec": {"backend": {"serviceName": "web", "servicePort": 80}}})
	some f in rule.deny with input as {"resources": [r]}
	f.attribute == "spec"
}

test_uncovered_host_fires if {
	spec := {"tls": [{"hosts": ["*.example.com"], "secretName": "wild"}], "rules": rules(["shop.example.com", "a.b.example.com", "api.example.org"])}
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [ingress(spec)]}
	attrs == {"spec.rules[1].host", "spec.rules[2].host"}
}

test_covered_hosts_pass if {
	spec := {"tls": [{"hosts": ["Shop.example.com"], "secretName": "shop"}, {"hosts": ["*.example.org"], "secretName": "org"}], "rules": rules(["shop.example.com", "api.example.org"])}
	count(rule.deny) == 0 with input as {"resources": [ingress(spec)]}
}

test_tls_without_hosts_covers_all if {
	count(rule.deny) == 0 with input as {"resources": [ingress({"tls": [{"secretName": "default"}], "rules": rules(["x.example.com"])})]}
}

test_ssl_redirect_off_fires if {
	r := object.union(ingress({"tls": [{"secretName": "default"}], "rules": rules(["x.example.com"])}), {"attributes": {"metadata": {"annotations": {"nginx.ingress.kubernetes.io/ssl-redirect": "false"}}}})
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [r]}
	attrs == {`metadata.annotations["nginx.ingress.kubernetes.io/ssl-redirect"]`}
}
