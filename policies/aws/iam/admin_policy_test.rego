package rules.aws.iam.admin_policy_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.iam.admin_policy as rule

admin_json := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})

scoped_json := json.marshal({"Statement": {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}})

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_json_admin_policy_fires if {
	count(deny([fixtures.resource("aws_iam_policy", "p", {"policy": admin_json})])) == 1
}

test_policy_document_reference_fires if {
	doc := fixtures.resource("aws_iam_policy_document", "d", {"statement": [{"actions": ["*"], "resources": ["*"]}]})
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_iam_role_policy", "p", {}), [["policy", doc]]), ["policy"])
	some f in deny([doc, p])
	f.resource_id == p.id
}

test_inline_role_policy_fires if {
	r := fixtures.resource("aws_iam_role", "r", {"inline_policy": [{"name": "all", "policy": admin_json}]})
	some f in deny([r])
	f.attribute == "inline_policy[0].policy"
}

test_scoped_deny_and_not_resource_pass if {
	deny_all := json.marshal({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})
	not_res := json.marshal({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "arn:aws:s3:::x"}]})
	count(deny([
		fixtures.resource("aws_iam_policy", "a", {"policy": scoped_json}),
		fixtures.resource("aws_iam_policy", "b", {"policy": deny_all}),
		fixtures.resource("aws_iam_user_policy", "c", {"policy": not_res}),
	])) == 0
}

test_unknown_policy_is_undetermined if {
	p := fixtures.with_unknown(fixtures.resource("aws_iam_policy", "p", {}), ["policy"])
	count(deny([p])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [p]} with data.inventory as fixtures.inventory([p])
}

test_inline_policy_from_a_document_fires if {
	doc := fixtures.resource("aws_iam_policy_document", "d", {"statement": [{"actions": ["*"], "resources": ["*"]}]})
	r := fixtures.with_unknown(
		fixtures.with_refs(fixtures.resource("aws_iam_role", "r", {"inline_policy": [{"name": "x"}]}), [["inline_policy[0].policy", doc]]),
		["inline_policy[0].policy"],
	)
	some f in deny([doc, r])
	f.attribute == "inline_policy[0].policy"
}

test_statement_with_unknown_effect_is_undetermined_not_denied if {
	doc := fixtures.with_unknown(
		fixtures.resource("aws_iam_policy_document", "d", {"statement": [{"actions": ["*"], "resources": ["*"]}]}),
		["statement[0].effect"],
	)
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_iam_policy", "p", {}), [["policy", doc]]), ["policy"])
	count(deny([doc, p])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [p]} with data.inventory as fixtures.inventory([doc, p])
}

test_merged_source_documents_are_read if {
	base := fixtures.resource("aws_iam_policy_document", "base", {"statement": [{"actions": ["*"], "resources": ["*"]}]})
	top := fixtures.with_refs(fixtures.resource("aws_iam_policy_document", "top", {"statement": [{"actions": ["s3:GetObject"], "resources": ["*"]}]}), [["source_policy_documents[0]", base]])
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_iam_policy", "p", {}), [["policy", top]]), ["policy"])
	count(deny([base, top, p])) == 1
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_unknown_inline_policy_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_iam_role", "r", {"inline_policy": [{"name": "x"}]}), ["inline_policy[0].policy"])
	d := fixtures.with_unknown(fixtures.resource("aws_iam_role", "d", {}), ["inline_policy"])
	count(deny([r, d])) == 0
	count(undetermined([r, d])) == 2
}

test_conditional_document_reference_is_undetermined_not_denied if {
	doc := fixtures.resource("aws_iam_policy_document", "d", {"statement": [{"actions": ["*"], "resources": ["*"]}]})
	p := fixtures.with_unknown(fixtures.with_indirect_refs(fixtures.resource("aws_iam_policy", "p", {}), [["policy", doc]]), ["policy"])
	count(deny([doc, p])) == 0
	count(undetermined([doc, p])) == 1
}

test_unknown_merged_documents_are_undetermined if {
	doc := fixtures.with_unknown(fixtures.resource("aws_iam_policy_document", "d", {"statement": [{"actions": ["s3:GetObject"], "resources": ["*"]}]}), ["source_policy_documents"])
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_iam_policy", "p", {}), [["policy", doc]]), ["policy"])
	count(deny([doc, p])) == 0
	count(undetermined([doc, p])) == 1
}

test_known_narrow_actions_with_unknown_resources_are_decided if {
	doc := fixtures.with_unknown(fixtures.resource("aws_iam_policy_document", "d", {"statement": [{"actions": ["logs:PutLogEvents"], "resources": [null]}]}), ["statement[0].resources[0]"])
	p := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_iam_policy", "p", {}), [["policy", doc]]), ["policy"])
	count(deny([doc, p])) == 0
	count(undetermined([doc, p])) == 0
}
