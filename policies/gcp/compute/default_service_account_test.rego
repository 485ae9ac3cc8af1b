package rules.gcp.compute.default_service_account_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.compute.default_service_account as rule

vm(name, sa) := fixtures.resource("google_compute_instance", name, {"service_account": [sa]})

test_default_account_with_full_scope_fires if {
	findings := rule.deny with input as {"resources": [
		vm("implicit", {"scopes": ["cloud-platform"]}),
		vm("explicit", {"email": "123456789-compute@developer.gserviceaccount.com", "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}),
	]}
	count(findings) == 2
}

test_dedicated_account_or_narrow_scopes_pass if {
	sa := fixtures.resource("google_service_account", "app", {"account_id": "app"})
	ref := fixtures.with_refs(fixtures.with_unknown(vm("ref", {"scopes": ["cloud-platform"]}), ["service_account[0].email"]), [["service_account[0].email", sa]])
	narrow := vm("narrow", {"scopes": ["logging-write", "monitoring-write"]})
	named := vm("named", {"email": "app@example.iam.gserviceaccount.com", "scopes": ["cloud-platform"]})
	none := fixtures.resource("google_compute_instance", "none", {"name": "none"})
	resources := [ref, narrow, named, none]
	count(rule.deny) == 0 with input as {"resources": resources} with data.inventory as fixtures.inventory(array.concat(resources, [sa]))
	count(rule.undetermined) == 0 with input as {"resources": resources} with data.inventory as fixtures.inventory(array.concat(resources, [sa]))
}

test_unknown_email_is_undetermined if {
	r := fixtures.with_unknown(vm("u", {"scopes": ["cloud-platform"]}), ["service_account[0].email"])
	count(rule.deny) == 0 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
	count(rule.undetermined) == 1 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
}

test_empty_block_with_unknown_scopes_is_undetermined if {
	r := fixtures.with_unknown(vm("u", {}), ["service_account[0].scopes"])
	count(rule.deny) == 0 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
	count(rule.undetermined) == 1 with input as {"resources": [r]} with data.inventory as fixtures.inventory([r])
}
