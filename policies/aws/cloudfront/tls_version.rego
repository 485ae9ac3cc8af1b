# METADATA
# title: CloudFront distributions refuse TLS below 1.2
# description: >-
#   Viewers that negotiate TLS 1.0 or 1.1 use protocol versions with known weaknesses.
#   A distribution's `minimum_protocol_version` should be TLSv1.2_2021 or newer. The default
#   *.cloudfront.net certificate (`cloudfront_default_certificate = true`) always accepts
#   TLS 1.0 and cannot be changed, so it fails too: serve the distribution under your own
#   domain with an ACM certificate to control the minimum version.
# scope: package
# custom:
#   id: aws-cloudfront-tls-version
#   check: tls-min-version
#   severity: medium
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   resource_types: [aws_cloudfront_distribution]
#   remediation: >-
#     Use an ACM certificate (`acm_certificate_arn`, `ssl_support_method = "sni-only"`) with
#     `minimum_protocol_version = "TLSv1.2_2021"` (or newer) in `viewer_certificate`.
package rules.aws.cloudfront.tls_version

import rego.v1

import data.lib.tenet

certificates contains {"r": r, "i": i, "c": c} if {
	some r in tenet.of_input_type("aws_cloudfront_distribution")
	some i, c in tenet.blocks(tenet.attr(r, "viewer_certificate", []))
}

deny contains tenet.finding(x.r, msg, path) if {
	some x in certificates
	path := sprintf("viewer_certificate[%d].cloudfront_default_certificate", [x.i])
	not tenet.is_unknown(x.r, path)
	tenet.to_bool(tenet.get(x.c, "cloudfront_default_certificate", false)) == true
	msg := sprintf("CloudFront distribution %q uses the default *.cloudfront.net certificate, which accepts TLS 1.0", [x.r.name])
}

deny contains tenet.finding(x.r, msg, path) if {
	some x in certificates
	not default_certificate(x)
	path := sprintf("viewer_certificate[%d].minimum_protocol_version", [x.i])
	not tenet.is_unknown(x.r, path)
	version := tenet.get(x.c, "minimum_protocol_version", "TLSv1")
	not regex.match(`^TLSv1\.[23]_`, version)
	msg := sprintf("CloudFront distribution %q accepts viewer TLS versions below 1.2 (minimum_protocol_version = %q)", [x.r.name, version])
}

undetermined contains tenet.finding(x.r, msg, path) if {
	some x in certificates
	some field in ["cloudfront_default_certificate", "minimum_protocol_version"]
	path := sprintf("viewer_certificate[%d].%s", [x.i, field])
	tenet.is_unknown(x.r, path)
	msg := sprintf("%s of CloudFront distribution %q is not known before apply", [path, x.r.name])
}

undetermined contains tenet.finding(r, msg, "viewer_certificate") if {
	some r in tenet.of_input_type("aws_cloudfront_distribution")
	"viewer_certificate" in r.unknown
	msg := sprintf("the viewer_certificate of CloudFront distribution %q is not known before apply", [r.name])
}

default_certificate(x) if tenet.to_bool(tenet.get(x.c, "cloudfront_default_certificate", false)) == true

default_certificate(x) if tenet.is_unknown(x.r, sprintf("viewer_certificate[%d].cloudfront_default_certificate", [x.i]))
