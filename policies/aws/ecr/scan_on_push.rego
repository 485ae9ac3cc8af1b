# METADATA
# title: ECR repositories scan images on push
# description: >-
#   Container images carry an operating system and libraries with their own vulnerabilities.
#   Scanning every image when it is pushed reports known CVEs before the image is deployed,
#   which vulnerability management requires. A repository passes when it sets
#   `scan_on_push = true`, or when an aws_ecr_registry_scanning_configuration in the same
#   module has a scan-on-push or continuous rule whose filter matches the repository's name.
# scope: package
# custom:
#   id: aws-ecr-scan-on-push
#   check: vulnerability-scanning
#   severity: medium
#   controls:
#     soc2: [CC7.1]
#     iso27001-2022: [A.8.8]
#     gdpr: [Art.32(1)(d)]
#     hipaa: ["164.308(a)(1)(ii)(A)"]
#     pci-dss-4.0: ["6.3.3", "11.3.1"]
#   resource_types: [aws_ecr_repository]
#   remediation: >-
#     Add `image_scanning_configuration { scan_on_push = true }` to the repository, or configure
#     registry-wide scanning with `aws_ecr_registry_scanning_configuration` (ENHANCED scanning
#     with Amazon Inspector covers OS and language packages continuously).
package rules.aws.ecr.scan_on_push

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "image_scanning_configuration") if {
	some r in tenet.of_input_type("aws_ecr_repository")
	not tenet.is_unknown(r, "image_scanning_configuration")
	not scans_on_push(r)
	not registry_scans(r)
	not registry_unknown(r)
	msg := sprintf("ECR repository %q does not scan images on push", [r.name])
}

undetermined contains tenet.finding(r, msg, "image_scanning_configuration") if {
	some r in tenet.of_input_type("aws_ecr_repository")
	not scans_on_push(r)
	not registry_scans(r)
	unknown(r)
	msg := sprintf("whether ECR repository %q scans images on push depends on values not known before apply", [r.name])
}

unknown(r) if tenet.is_unknown(r, "image_scanning_configuration")

unknown(r) if registry_unknown(r)

scans_on_push(r) if {
	some c in tenet.blocks(tenet.attr(r, "image_scanning_configuration", []))
	tenet.to_bool(tenet.get(c, "scan_on_push", false)) == true
}

# A registry scanning rule, in the repository's module, that covers its name.
registry_scans(r) if {
	some reg in tenet.of_type("aws_ecr_registry_scanning_configuration")
	tenet.module_dir(reg) == tenet.module_dir(r)
	not tenet.maybe_absent(reg)
	some rule in tenet.blocks(tenet.attr(reg, "rule", []))
	tenet.get(rule, "scan_frequency", "") in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}
	some f in tenet.blocks(tenet.get(rule, "repository_filter", []))
	is_string(r.attributes.name)
	glob.match(tenet.get(f, "filter", ""), [], r.attributes.name)
}

# A registry scanning configuration in the module whose rules, or the repository's name, are
# not known.
registry_unknown(r) if {
	some reg in tenet.of_type("aws_ecr_registry_scanning_configuration")
	tenet.module_dir(reg) == tenet.module_dir(r)
	unknown_match(reg, r)
}

unknown_match(reg, _) if tenet.maybe_absent(reg)

unknown_match(reg, _) if {
	some u in reg.unknown
	startswith(u, "rule")
}

unknown_match(_, r) if tenet.is_unknown(r, "name")
