# METADATA
# title: IAM policies do not grant full administrative access
# description: >-
#   A statement that allows every action ("*") on every resource ("*") makes whoever holds
#   the policy an administrator of the account: able to read all data, disable logging and
#   grant themselves anything. Least privilege requires policies scoped to the actions and
#   resources a role needs; the few true administrators should use a managed, audited role.
#   Policies are read from JSON (jsonencode, heredoc, file) and from the
#   aws_iam_policy_document data sources they reference.
# scope: package
# custom:
#   id: aws-iam-policy-admin
#   severity: high
#   resource_types: [aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy, aws_iam_role]
#   controls:
#     soc2: [CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     Replace "Action": "*" with the specific actions the principal needs, on specific resource
#     ARNs; use IAM Access Analyzer's policy generation to derive them from CloudTrail activity.
package rules.aws.iam.admin_policy

import rego.v1

import data.lib.aws
import data.lib.tenet

policy_types := {"aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"}

deny contains tenet.finding(r, msg, "policy") if {
	some r in input.resources
	r.type in policy_types
	some s in aws.policy_statements(r, "policy")
	admin(s)
	msg := sprintf("%s %q allows every action on every resource (\"*\" on \"*\")", [r.type, r.name])
}

deny contains tenet.finding(r, msg, sprintf("inline_policy[%d].policy", [i])) if {
	some r in tenet.of_input_type("aws_iam_role")
	some i, p in tenet.blocks(tenet.attr(r, "inline_policy", []))
	some s in aws.policy_statements({"attributes": p, "refs": []}, "policy")
	admin(s)
	msg := sprintf("IAM role %q has an inline policy %q allowing every action on every resource", [r.name, tenet.get(p, "name", "")])
}

undetermined contains tenet.finding(r, msg, "policy") if {
	some r in input.resources
	r.type in policy_types
	tenet.is_unknown(r, "policy")
	count(aws.policy_statements(r, "policy")) == 0
	msg := sprintf("the policy document of %s %q is not known before apply", [r.type, r.name])
}

admin(s) if {
	s.effect == "Allow"
	some action in s.actions
	action in {"*", "*:*"}
	"*" in s.resources
	count(s.not_resources) == 0
}
