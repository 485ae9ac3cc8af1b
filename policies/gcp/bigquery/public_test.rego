package rules.gcp.bigquery.public_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.bigquery.public as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := r if {
	r := rule.undetermined with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_public_access_fires if {
	ds := fixtures.resource("google_bigquery_dataset", "ds", {"dataset_id": "d", "access": [
		{"role": "OWNER", "special_group": "projectOwners"},
		{"role": "READER", "special_group": "allAuthenticatedUsers"},
	]})
	acc := fixtures.resource("google_bigquery_dataset_access", "a", {"dataset_id": "d", "role": "READER", "iam_member": "allUsers"})
	m := fixtures.resource("google_bigquery_table_iam_member", "m", {"table_id": "t", "role": "roles/bigquery.dataViewer", "member": "allUsers"})
	findings := deny([ds, acc, m])
	count(findings) == 3
	some f in findings
	f.attribute == "access[1].special_group"
}

test_private_access_passes if {
	ds := fixtures.resource("google_bigquery_dataset", "ds", {"dataset_id": "d", "access": [
		{"role": "OWNER", "special_group": "projectOwners"},
		{"role": "READER", "group_by_email": "analysts@example.com"},
	]})
	m := fixtures.resource("google_bigquery_dataset_iam_member", "m", {"dataset_id": "d", "role": "roles/bigquery.dataViewer", "member": "group:analysts@example.com"})
	count(deny([ds, m])) == 0
	count(undetermined([ds, m])) == 0
}

test_unknown_member_is_undetermined if {
	acc := fixtures.with_unknown(fixtures.resource("google_bigquery_dataset_access", "a", {"dataset_id": "d", "role": "READER"}), ["iam_member"])
	count(deny([acc])) == 0
	count(undetermined([acc])) == 1
}
