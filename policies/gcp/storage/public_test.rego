package rules.gcp.storage.public_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.storage.public as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := r if {
	r := rule.undetermined with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_public_member_fires if {
	m := fixtures.resource("google_storage_bucket_iam_member", "m", {"bucket": "b", "role": "roles/storage.objectViewer", "member": "allUsers"})
	some f in deny([m])
	f.attribute == "member"
}

test_public_binding_fires if {
	b := fixtures.resource("google_storage_bucket_iam_binding", "b", {"bucket": "b", "role": "roles/storage.objectViewer", "members": ["user:a@example.com", "allAuthenticatedUsers"]})
	count(deny([b])) == 1
}

test_private_grants_pass if {
	m := fixtures.resource("google_storage_bucket_iam_member", "m", {"bucket": "b", "role": "roles/storage.objectViewer", "member": "group:data@example.com"})
	count(deny([m])) == 0
	count(undetermined([m])) == 0
}

test_policy_json_and_data_source if {
	doc := json.marshal({"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]})
	p := fixtures.resource("google_storage_bucket_iam_policy", "p", {"bucket": "b", "policy_data": doc})
	count(deny([p])) == 1
	data_doc := object.union(fixtures.resource("google_iam_policy", "d", {"binding": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]}), {"id": "terraform:data.google_iam_policy.d", "mode": "data"})
	p2 := fixtures.with_refs(fixtures.with_unknown(fixtures.resource("google_storage_bucket_iam_policy", "p2", {"bucket": "b"}), ["policy_data"]), [["policy_data", data_doc]])
	count(deny([p2, data_doc])) == 1
	count(undetermined([p2, data_doc])) == 0
}

test_acls if {
	acl := fixtures.resource("google_storage_bucket_acl", "a", {"bucket": "b", "role_entity": ["OWNER:user-a@example.com", "READER:allUsers"]})
	some f in deny([acl])
	f.attribute == "role_entity[1]"
	pre := fixtures.resource("google_storage_object_acl", "o", {"bucket": "b", "object": "x", "predefined_acl": "publicRead"})
	count(deny([pre])) == 1
	ac := fixtures.resource("google_storage_default_object_access_control", "d", {"bucket": "b", "role": "READER", "entity": "allUsers"})
	count(deny([ac])) == 1
	ok := fixtures.resource("google_storage_bucket_acl", "ok", {"bucket": "b", "predefined_acl": "private"})
	count(deny([ok])) == 0
}

test_unknown_member_is_undetermined if {
	m := fixtures.with_unknown(fixtures.resource("google_storage_bucket_iam_member", "m", {"bucket": "b", "role": "roles/storage.objectViewer"}), ["member"])
	count(deny([m])) == 0
	count(undetermined([m])) == 1
}
