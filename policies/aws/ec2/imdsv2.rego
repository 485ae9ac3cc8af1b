# METADATA
# title: EC2 instances require IMDSv2 session tokens
# description: >-
#   With IMDSv1 allowed, any process that can make the instance send an HTTP GET (a
#   server-side request forgery in the application, an open proxy) can read the instance
#   role's temporary credentials from the metadata service. IMDSv2 requires a session token
#   obtained with a PUT and a hop limit, which blocks those attacks. Instances, launch
#   templates and launch configurations pass when they set `http_tokens = "required"` or
#   disable the metadata endpoint; those that leave metadata options unset pass only when the
#   same module sets `aws_ec2_instance_metadata_defaults` to require tokens. The rule cannot
#   see an AMI's own IMDS support setting, which can also make tokens required.
# scope: package
# custom:
#   id: aws-ec2-imdsv2
#   check: instance-metadata-v2
#   severity: medium
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.9]
#     gdpr: []
#     hipaa: []
#     pci-dss-4.0: ["2.2.1"]
#   resource_types: [aws_instance, aws_launch_template, aws_launch_configuration]
#   remediation: >-
#     Add `metadata_options { http_tokens = "required" }` (with `http_put_response_hop_limit =
#     1`, or 2 for containers), or set `aws_ec2_instance_metadata_defaults { http_tokens =
#     "required" }` for the account and region.
package rules.aws.ec2.imdsv2

import rego.v1

import data.lib.tenet

types := {"aws_instance", "aws_launch_template", "aws_launch_configuration"}

candidates contains r if {
	some r in input.resources
	r.type in types
	not uses_launch_template(r)
}

# An instance launched from a template gets its metadata options from the template (checked on
# its own) unless it sets them itself.
uses_launch_template(r) if {
	r.type == "aws_instance"
	count(tenet.blocks(tenet.attr(r, "launch_template", []))) > 0
	count(tenet.blocks(tenet.attr(r, "metadata_options", []))) == 0
}

deny contains tenet.finding(r, msg, "metadata_options") if {
	some r in candidates
	not tenet.is_unknown(r, "metadata_options")
	not tenet.is_unknown(r, "launch_template")
	count(tenet.blocks(tenet.attr(r, "metadata_options", []))) == 0
	not account_default(r)
	not account_default_unknown(r)
	msg := sprintf("%s %q does not set metadata_options, so IMDSv1 (tokens optional) stays allowed", [r.type, r.name])
}

deny contains tenet.finding(r, msg, path) if {
	some r in candidates
	some i, m in tenet.blocks(tenet.attr(r, "metadata_options", []))
	path := sprintf("metadata_options[%d].http_tokens", [i])
	not tenet.is_unknown(r, path)
	not tenet.is_unknown(r, sprintf("metadata_options[%d].http_endpoint", [i]))
	tenet.get(m, "http_endpoint", "enabled") != "disabled"
	tokens := tenet.get(m, "http_tokens", "optional")
	tokens != "required"
	not inherits_default(r, m)
	msg := sprintf("%s %q allows IMDSv1 (http_tokens = %q)", [r.type, r.name, tokens])
}

# http_tokens left unset in a block: the account default decides it when one is configured.
inherits_default(r, m) if {
	tenet.get(m, "http_tokens", null) == null
	account_default(r)
}

inherits_default(r, m) if {
	tenet.get(m, "http_tokens", null) == null
	account_default_unknown(r)
}

undetermined contains tenet.finding(r, msg, path) if {
	some r in candidates
	some path in ["metadata_options", "launch_template"]
	path in r.unknown
	msg := sprintf("whether %s %q requires IMDSv2 depends on %s, which is not known before apply", [r.type, r.name, path])
}

undetermined contains tenet.finding(r, msg, path) if {
	some r in candidates
	some i, _ in tenet.blocks(tenet.attr(r, "metadata_options", []))
	some field in ["http_tokens", "http_endpoint"]
	path := sprintf("metadata_options[%d].%s", [i, field])
	tenet.is_unknown(r, path)
	msg := sprintf("%s of %s %q is not known before apply", [path, r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "metadata_options") if {
	some r in candidates
	count(tenet.blocks(tenet.attr(r, "metadata_options", []))) == 0
	not "metadata_options" in r.unknown
	not account_default(r)
	account_default_unknown(r)
	msg := sprintf("%s %q leaves metadata options to the account default, whose setting is not known before apply", [r.type, r.name])
}

# aws_ec2_instance_metadata_defaults requiring tokens, in the same module and region.
account_default(r) if {
	some d in tenet.of_type("aws_ec2_instance_metadata_defaults")
	applies_to(d, r)
	not tenet.maybe_absent(d)
	tenet.attr(d, "http_tokens", "") == "required"
}

account_default_unknown(r) if {
	some d in tenet.of_type("aws_ec2_instance_metadata_defaults")
	applies_to(d, r)
	unknown_default(d)
}

unknown_default(d) if tenet.is_unknown(d, "http_tokens")

unknown_default(d) if {
	tenet.maybe_absent(d)
	tenet.attr(d, "http_tokens", "") == "required"
}

applies_to(d, r) if {
	tenet.module_dir(d) == tenet.module_dir(r)
	same_region(d, r)
}

same_region(a, b) if a.scope.region == b.scope.region

same_region(a, b) if a.scope.region == null

same_region(a, b) if b.scope.region == null
