# METADATA
# title: Secrets Manager secrets rotate automatically
# description: >-
#   A secret that never changes stays valid for as long as any copy of it exists: in old
#   laptops, logs, tickets or an attacker's notes. Automatic rotation limits how long a leaked
#   value is useful. A secret passes when an aws_secretsmanager_secret_rotation refers to it
#   (by reference or by its name), or, on older providers, when it has inline
#   `rotation_rules`. Secrets that cannot be rotated (third-party API keys) can be recorded
#   as exceptions.
# scope: package
# custom:
#   id: aws-secretsmanager-rotation
#   check: secret-rotation
#   severity: medium
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17]
#     gdpr: [Art.32]
#     hipaa: ["164.308(a)(5)(ii)(D)"]
#     pci-dss-4.0: ["8.3.9", "8.6.3"]
#   resource_types: [aws_secretsmanager_secret]
#   remediation: >-
#     Add an `aws_secretsmanager_secret_rotation` with `secret_id` set to the secret, a rotation
#     function (`rotation_lambda_arn`, or a managed rotation) and `rotation_rules {
#     automatically_after_days = 30 }` (or a schedule).
package rules.aws.secretsmanager.rotation

import rego.v1

import data.lib.aws
import data.lib.tenet

companion := "aws_secretsmanager_secret_rotation"

deny contains tenet.finding(s, msg, "name") if {
	some s in tenet.of_input_type("aws_secretsmanager_secret")
	not rotated(s)
	not unknown_rotation(s)
	msg := sprintf("Secrets Manager secret %q is not rotated (no %s for it)", [s.name, companion])
}

undetermined contains tenet.finding(s, msg, "name") if {
	some s in tenet.of_input_type("aws_secretsmanager_secret")
	not rotated(s)
	unknown_rotation(s)
	msg := sprintf("whether Secrets Manager secret %q is rotated depends on values not known before apply", [s.name])
}

rotated(s) if count(aws.linked(s, companion, "secret_id")) > 0

rotated(s) if {
	some id in object.get(rotations_by_name, s.attributes.name, [])
	not tenet.maybe_absent(data.inventory.resources[id])
}

rotated(s) if count(tenet.blocks(tenet.attr(s, "rotation_rules", []))) > 0

unknown_rotation(s) if aws.unresolved_link_to(s, companion, "secret_id")

unknown_rotation(s) if tenet.is_unknown(s, "rotation_rules")

unknown_rotation(s) if {
	some id in object.get(rotations_by_name, s.attributes.name, [])
	tenet.maybe_absent(data.inventory.resources[id])
}

# Rotations naming their secret literally: secret name -> ids.
rotations_by_name[name] contains id if {
	some id in object.get(data.inventory.by_type, companion, [])
	name := data.inventory.resources[id].attributes.secret_id
	is_string(name)
}
