# METADATA
# title: ECR repositories make image tags immutable
# description: >-
#   With mutable tags, pushing an image under an existing tag silently replaces what every
#   deployment referring to that tag runs, whether by mistake or by an attacker with push
#   rights. Immutable tags make a tag name one image forever, so what was reviewed, scanned
#   and approved is what runs. MUTABLE (the default) and MUTABLE_WITH_EXCLUSION fail;
#   IMMUTABLE and IMMUTABLE_WITH_EXCLUSION pass.
# scope: package
# custom:
#   id: aws-ecr-immutable-tags
#   check: image-immutable
#   severity: medium
#   controls:
#     soc2: [CC8.1]
#     iso27001-2022: [A.8.9, A.8.32]
#     gdpr: []
#     hipaa: []
#     pci-dss-4.0: ["6.5.1"]
#   resource_types: [aws_ecr_repository]
#   remediation: >-
#     Set `image_tag_mutability = "IMMUTABLE"` and publish each build under a new tag (a
#     version or commit hash); deploy by digest where possible.
package rules.aws.ecr.immutable_tags

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "image_tag_mutability") if {
	some r in tenet.of_input_type("aws_ecr_repository")
	mutability := tenet.attr(r, "image_tag_mutability", "MUTABLE")
	upper(mutability) in {"MUTABLE", "MUTABLE_WITH_EXCLUSION"}
	msg := sprintf("ECR repository %q allows tags to be overwritten (image_tag_mutability = %q)", [r.name, mutability])
}

undetermined contains tenet.finding(r, msg, "image_tag_mutability") if {
	some r in tenet.of_input_type("aws_ecr_repository")
	tenet.is_unknown(r, "image_tag_mutability")
	msg := sprintf("image_tag_mutability of ECR repository %q is not known before apply", [r.name])
}
