# METADATA
# title: Active IAM access keys are rotated
# description: >-
#   A long-lived access key is a password that never changes: the older it is, the more copies
#   of it sit in laptops, CI logs and old images. Active keys older than `max_key_age_days`
#   (90 by default) should be replaced. This rule judges live inventory (`tenet audit
#   --provider aws` reads each user's keys and when they were created); Terraform state would
#   hold the secret itself, which is its own problem.
# scope: package
# custom:
#   id: aws-iam-access-key-rotation
#   check: secret-rotation
#   severity: medium
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17]
#     gdpr: [Art.32]
#     hipaa: ["164.308(a)(5)(ii)(D)"]
#     pci-dss-4.0: ["8.3.9", "8.6.3"]
#   resource_types: [aws_iam_user]
#   live_only: true
#   params:
#     max_key_age_days: 90
#   remediation: >-
#     Create a new key, move its users to it, deactivate and then delete the old one. Better,
#     replace long-lived keys with roles: IAM roles for workloads on AWS, OIDC federation for CI
#     (GitHub Actions, GitLab), IAM Roles Anywhere elsewhere.
package rules.aws.iam.access_key_rotation

import rego.v1

import data.lib.tenet

day_ns := ((24 * 60) * 60) * 1000000000

deny contains tenet.finding(u, msg, sprintf("access_keys[%d].create_date", [i])) if {
	some u in tenet.of_input_type("aws_iam_user")
	some i, k in tenet.attr(u, "access_keys", [])
	k.status == "Active"
	is_string(k.create_date)
	created := time.parse_rfc3339_ns(k.create_date)
	(time.now_ns() - created) / day_ns > data.config.max_key_age_days
	msg := sprintf("IAM user %q has an active access key %v created %v, more than %v days ago", [u.name, k.id, k.create_date, data.config.max_key_age_days])
}

undetermined contains tenet.finding(u, msg, sprintf("access_keys[%d].create_date", [i])) if {
	some u in tenet.of_input_type("aws_iam_user")
	some i, k in tenet.attr(u, "access_keys", [])
	k.status == "Active"
	not is_string(k.create_date)
	msg := sprintf("when active access key %v of IAM user %q was created is not known", [k.id, u.name])
}

undetermined contains tenet.finding(u, msg, "access_keys") if {
	some u in tenet.of_input_type("aws_iam_user")
	tenet.is_unknown(u, "access_keys")
	msg := sprintf("the access keys of IAM user %q could not be read", [u.name])
}
