# METADATA
# title: Load balancer TLS listeners refuse TLS 1.0 and 1.1
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and are no longer accepted as strong cryptography;
#   clients that still negotiate them can be downgraded and their traffic attacked. HTTPS
#   and TLS listeners should use a security policy whose minimum is TLS 1.2 (names containing
#   TLS-1-2, TLS13-1-2, TLS13-1-3 or FS-1-2). A listener without `ssl_policy` gets the API's
#   default, ELBSecurityPolicy-2016-08, which accepts TLS 1.0.
# scope: package
# custom:
#   id: aws-lb-tls-policy
#   check: tls-min-version
#   severity: medium
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   resource_types: [aws_lb_listener, aws_alb_listener]
#   remediation: >-
#     Set `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"` (or a newer TLS 1.2+ policy, such
#     as ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09).
package rules.aws.elb.tls_policy

import rego.v1

import data.lib.tenet

listeners contains r if {
	some r in input.resources
	r.type in {"aws_lb_listener", "aws_alb_listener"}
	upper(tenet.attr(r, "protocol", "")) in {"HTTPS", "TLS"}
}

deny contains tenet.finding(r, msg, "ssl_policy") if {
	some r in listeners
	policy := tenet.attr(r, "ssl_policy", "")
	policy != ""
	not modern(policy)
	msg := sprintf("load balancer listener %q uses SSL policy %q, which accepts TLS versions below 1.2", [r.name, policy])
}

deny contains tenet.finding(r, msg, "protocol") if {
	some r in listeners
	tenet.attr(r, "ssl_policy", "") == ""
	msg := sprintf("load balancer listener %q sets no ssl_policy, so it gets ELBSecurityPolicy-2016-08, which accepts TLS 1.0", [r.name])
}

undetermined contains tenet.finding(r, msg, "ssl_policy") if {
	some r in listeners
	tenet.is_unknown(r, "ssl_policy")
	msg := sprintf("ssl_policy of load balancer listener %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, "protocol") if {
	some r in input.resources
	r.type in {"aws_lb_listener", "aws_alb_listener"}
	tenet.is_unknown(r, "protocol")
	msg := sprintf("the protocol of load balancer listener %q is not known before apply", [r.name])
}

modern(policy) if regex.match(`(TLS-1-2|TLS13-1-2|TLS13-1-3|FS-1-2)`, policy)
