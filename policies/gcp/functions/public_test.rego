package rules.gcp.functions.public_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.functions.public as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": resources} with data.inventory as fixtures.inventory(resources)
}

test_public_invoker_fires if {
	f := fixtures.resource("google_cloudfunctions2_function_iam_member", "f", {"cloud_function": "fn", "role": "roles/cloudfunctions.invoker", "member": "allUsers"})
	run := fixtures.resource("google_cloud_run_v2_service_iam_binding", "r", {"name": "svc", "role": "roles/run.invoker", "members": ["allAuthenticatedUsers"]})
	count(deny([f, run])) == 2
}

test_private_invoker_passes if {
	f := fixtures.resource("google_cloud_run_service_iam_member", "f", {"service": "svc", "role": "roles/run.invoker", "member": "serviceAccount:caller@p.iam.gserviceaccount.com"})
	count(deny([f])) == 0
}

test_unknown_member_is_undetermined if {
	f := fixtures.with_unknown(fixtures.resource("google_cloud_run_service_iam_member", "f", {"service": "svc", "role": "roles/run.invoker"}), ["member"])
	count(deny([f])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [f]} with data.inventory as fixtures.inventory([f])
}
