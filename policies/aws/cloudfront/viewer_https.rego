# METADATA
# title: CloudFront distributions require HTTPS from viewers
# description: >-
#   With `viewer_protocol_policy = "allow-all"`, a cache behaviour serves content and accepts
#   requests (cookies, tokens, form posts) over plain HTTP, where anyone on the network path
#   can read or change them. Every behaviour should redirect HTTP to HTTPS or accept HTTPS
#   only.
# scope: package
# custom:
#   id: aws-cloudfront-https
#   check: tls-enforced
#   severity: high
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   resource_types: [aws_cloudfront_distribution]
#   remediation: >-
#     Set `viewer_protocol_policy = "redirect-to-https"` (or "https-only") in the default and
#     every ordered cache behaviour.
package rules.aws.cloudfront.viewer_https

import rego.v1

import data.lib.tenet

behaviours contains {"r": r, "path": sprintf("%s[%d]", [block, i]), "b": b} if {
	some r in tenet.of_input_type("aws_cloudfront_distribution")
	some block in ["default_cache_behavior", "ordered_cache_behavior"]
	some i, b in tenet.blocks(tenet.attr(r, block, []))
}

deny contains tenet.finding(x.r, msg, path) if {
	some x in behaviours
	path := sprintf("%s.viewer_protocol_policy", [x.path])
	not tenet.is_unknown(x.r, path)
	tenet.get(x.b, "viewer_protocol_policy", "") == "allow-all"
	msg := sprintf("CloudFront distribution %q serves %s over plain HTTP (viewer_protocol_policy = \"allow-all\")", [x.r.name, describe(x)])
}

undetermined contains tenet.finding(x.r, msg, path) if {
	some x in behaviours
	path := sprintf("%s.viewer_protocol_policy", [x.path])
	tenet.is_unknown(x.r, path)
	msg := sprintf("%s of CloudFront distribution %q is not known before apply", [path, x.r.name])
}

undetermined contains tenet.finding(r, msg, block) if {
	some r in tenet.of_input_type("aws_cloudfront_distribution")
	some block in ["default_cache_behavior", "ordered_cache_behavior"]
	block in r.unknown
	msg := sprintf("the %s blocks of CloudFront distribution %q are not known before apply", [block, r.name])
}

describe(x) := sprintf("path pattern %q", [x.b.path_pattern]) if is_string(x.b.path_pattern)

describe(x) := "its default behaviour" if not is_string(x.b.path_pattern)
