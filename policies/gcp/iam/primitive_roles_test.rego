package rules.gcp.iam.primitive_roles_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.iam.primitive_roles as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := r if {
	r := rule.undetermined with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_basic_roles_fire if {
	m := fixtures.resource("google_project_iam_member", "m", {"project": "p", "role": "roles/editor", "member": "serviceAccount:ci@p.iam.gserviceaccount.com"})
	b := fixtures.resource("google_organization_iam_binding", "b", {"org_id": "1", "role": "roles/owner", "members": ["user:a@example.com"]})
	p := fixtures.resource("google_folder_iam_policy", "p", {"folder": "folders/1", "policy_data": json.marshal({"bindings": [{"role": "roles/owner", "members": ["group:admins@example.com"]}]})})
	count(deny([m, b, p])) == 3
}

test_predefined_roles_pass if {
	m := fixtures.resource("google_project_iam_member", "m", {"project": "p", "role": "roles/storage.objectViewer", "member": "user:a@example.com"})
	count(deny([m])) == 0
	count(undetermined([m])) == 0
}

test_unknown_role_is_undetermined if {
	m := fixtures.with_unknown(fixtures.resource("google_project_iam_member", "m", {"project": "p", "member": "user:a@example.com"}), ["role"])
	count(deny([m])) == 0
	count(undetermined([m])) == 1
}

test_basic_role_to_computed_member_fires if {
	m := fixtures.with_unknown(fixtures.resource("google_project_iam_member", "m", {"project": "p", "role": "roles/owner"}), ["member"])
	some f in deny([m])
	contains(f.message, "not known before apply")
}
