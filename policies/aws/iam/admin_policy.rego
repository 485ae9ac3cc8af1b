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

# Every policy document the batch's resources hold: {"r", "attribute", "holder"}, where
# `holder` has the document at `policy` and the references made from that attribute.
documents contains {"r": r, "attribute": "policy", "holder": r} if {
	some r in input.resources
	r.type in policy_types
}

documents contains {"r": r, "attribute": path, "holder": holder} if {
	some r in tenet.of_input_type("aws_iam_role")
	some i, p in tenet.blocks(tenet.attr(r, "inline_policy", []))
	path := sprintf("inline_policy[%d].policy", [i])
	holder := {
		"attributes": p,
		"refs": [{"attribute": "policy", "to": ref.to} | some ref in r.refs; ref.attribute == path],
		"unknown": [u | some u in r.unknown; u == path],
	}
}

# The statements of each document, computed once (functions are not memoized, rules are).
statements := {key(d): aws.policy_statements(d.holder, "policy") | some d in documents}

key(d) := sprintf("%s|%s", [d.r.id, d.attribute])

deny contains tenet.finding(d.r, msg, d.attribute) if {
	some d in documents
	some s in statements[key(d)]
	admin(s)
	msg := sprintf("%s %q allows every action on every resource (\"*\" on \"*\")%s", [d.r.type, d.r.name, where(d)])
}

undetermined contains tenet.finding(d.r, msg, d.attribute) if {
	some d in documents
	not has_admin(d)
	unknown_parts(d)
	msg := sprintf("the policy document of %s %q%s is not fully known before apply", [d.r.type, d.r.name, where(d)])
}

where(d) := "" if d.attribute == "policy"

where(d) := sprintf(" (%s)", [d.attribute]) if d.attribute != "policy"

has_admin(d) if {
	some s in statements[key(d)]
	admin(s)
}

# The document itself is unknown and no referenced document explains it.
unknown_parts(d) if {
	"policy" in d.holder.unknown
	count(statements[key(d)]) == 0
}

# A statement with unknown parts (effect, actions or resources).
unknown_parts(d) if {
	some s in statements[key(d)]
	s.unknown
}

# A referenced document whose statements are wholly unknown.
unknown_parts(d) if count(aws.unknown_documents(d.holder, "policy")) > 0

admin(s) if {
	not s.unknown
	s.effect == "Allow"
	some action in s.actions
	action in {"*", "*:*"}
	"*" in s.resources
	count(s.not_resources) == 0
}
