# METADATA
# title: Load balancer HTTP listeners redirect to HTTPS
# description: >-
#   A listener that serves HTTP carries sessions, credentials and personal data in clear text
#   between clients and the load balancer, readable and alterable by anyone on the path.
#   Application load balancer listeners on HTTP pass only when their default action redirects
#   to HTTPS. A listener without `protocol` uses HTTP when its load balancer is an
#   application load balancer.
# scope: package
# custom:
#   id: aws-lb-https
#   check: tls-enforced
#   severity: high
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   resource_types: [aws_lb_listener, aws_alb_listener]
#   remediation: >-
#     Serve the application on an HTTPS listener with an ACM certificate, and give the HTTP
#     listener a `default_action { type = "redirect" redirect { protocol = "HTTPS" port =
#     "443" status_code = "HTTP_301" } }`.
package rules.aws.elb.https_listener

import rego.v1

import data.lib.tenet

listeners contains r if {
	some r in input.resources
	r.type in {"aws_lb_listener", "aws_alb_listener"}
}

deny contains tenet.finding(r, msg, where(r)) if {
	some r in listeners
	plain_http(r)
	not "default_action" in r.unknown
	not redirects_to_https(r)
	not redirect_unknown(r)
	msg := sprintf("load balancer listener %q serves HTTP without redirecting to HTTPS", [r.name])
}

undetermined contains tenet.finding(r, msg, "protocol") if {
	some r in listeners
	tenet.is_unknown(r, "protocol")
	msg := sprintf("the protocol of load balancer listener %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, "protocol") if {
	some r in listeners
	not tenet.is_unknown(r, "protocol")
	tenet.attr(r, "protocol", "") == ""
	not lb_type(r)
	msg := sprintf("load balancer listener %q sets no protocol; whether it is HTTP depends on its load balancer's type, which is not known", [r.name])
}

undetermined contains tenet.finding(r, msg, "default_action") if {
	some r in listeners
	plain_http(r)
	not redirects_to_https(r)
	unknown_action(r)
	msg := sprintf("whether HTTP listener %q redirects to HTTPS depends on values not known before apply", [r.name])
}

unknown_action(r) if "default_action" in r.unknown

unknown_action(r) if redirect_unknown(r)

plain_http(r) if upper(tenet.attr(r, "protocol", "")) == "HTTP"

# No protocol: HTTP on an application load balancer (the default type).
plain_http(r) if {
	not tenet.is_unknown(r, "protocol")
	tenet.attr(r, "protocol", "") == ""
	lb_type(r) == "application"
}

# The type of the load balancer the listener refers to (by a direct reference).
lb_type(r) := t if {
	some ref in r.refs
	ref.attribute == "load_balancer_arn"
	ref.direct
	lb := data.inventory.resources[ref.to]
	lb.type in {"aws_lb", "aws_alb"}
	not tenet.is_unknown(lb, "load_balancer_type")
	t := tenet.attr(lb, "load_balancer_type", "application")
}

redirects_to_https(r) if {
	some a in tenet.blocks(tenet.attr(r, "default_action", []))
	tenet.get(a, "type", "") == "redirect"
	some rd in tenet.blocks(tenet.get(a, "redirect", []))
	upper(tenet.get(rd, "protocol", "")) == "HTTPS"
}

redirect_unknown(r) if {
	some u in r.unknown
	regex.match(`^default_action\[[0-9]+\]\.(type|redirect)`, u)
}

where(r) := "protocol" if tenet.has_value(r.attributes, "protocol")

where(r) := "default_action" if not tenet.has_value(r.attributes, "protocol")
