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
#   check: least-privilege
#   severity: high
#   resource_types: [aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy, aws_iam_role]
#   controls:
#     soc2: [CC6.1, CC6.3]
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
# `holder` has the document at `policy`, the references made from that attribute and whether
# it is unknown.
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
		"refs": [object.union(ref, {"attribute": "policy"}) | some ref in r.refs; ref.attribute == path],
		"unknown": ["policy" | some u in r.unknown; tenet.covers(path, u)],
	}
}

# Per document, computed once (functions are not memoized, rules are): the policy documents
# it references, its statements, and whether it depends on unknown values.
referenced := {key(d): aws.referenced_documents(d.holder, "policy") | some d in documents}

statements := {key(d): aws.statements_with(d.holder, "policy", referenced[key(d)]) | some d in documents}

partly_unknown contains key(d) if {
	some d in documents
	aws.policy_partly_unknown(d.holder, "policy", referenced[key(d)])
}

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
	msg := sprintf("whether the policy of %s %q%s allows \"*\" on \"*\" depends on values not known before apply", [d.r.type, d.r.name, where(d)])
}

# A role whose inline policies themselves are not known (a dynamic block over unknown values).
undetermined contains tenet.finding(r, msg, "inline_policy") if {
	some r in tenet.of_input_type("aws_iam_role")
	"inline_policy" in r.unknown
	msg := sprintf("the inline policies of IAM role %q are not known before apply", [r.name])
}

where(d) := "" if d.attribute == "policy"

where(d) := sprintf(" (%s)", [d.attribute]) if d.attribute != "policy"

has_admin(d) if {
	some s in statements[key(d)]
	admin(s)
}

unknown_parts(d) if key(d) in partly_unknown

unknown_parts(d) if {
	some s in statements[key(d)]
	maybe_admin(s)
}

admin(s) if {
	not s.effect_unknown
	not s.actions_unknown
	not s.resources_unknown
	s.effect == "Allow"
	star_action(s)
	"*" in s.resources
	count(s.not_resources) == 0
}

# Could be admin once the unknown parts are known.
maybe_admin(s) if {
	some flag in ["effect_unknown", "actions_unknown", "resources_unknown"]
	s[flag]
	possible(s.effect_unknown, s.effect == "Allow")
	possible(s.actions_unknown, star_action_flag(s))
	possible(s.resources_unknown, "*" in s.resources)
}

possible(unknown, _) if unknown

possible(false, known) if known

star_action(s) if {
	some action in s.actions
	action in {"*", "*:*"}
}

star_action_flag(s) := true if star_action(s)

star_action_flag(s) := false if not star_action(s)
