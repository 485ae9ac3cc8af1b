# METADATA
# title: Cloud Functions and Cloud Run services are not invocable by everyone
# description: >-
#   Granting the invoker role (or any role) to allUsers or allAuthenticatedUsers lets anyone
#   on the internet call the function or service without authentication. Unless the endpoint
#   is deliberately public and does its own authentication and rate limiting, it exposes
#   business logic, data and cost to abuse. Internal services should require IAM-authenticated
#   callers.
# scope: package
# custom:
#   id: gcp-functions-public
#   check: function-public
#   severity: high
#   resource_types:
#     - google_cloudfunctions_function_iam_member
#     - google_cloudfunctions_function_iam_binding
#     - google_cloudfunctions_function_iam_policy
#     - google_cloudfunctions2_function_iam_member
#     - google_cloudfunctions2_function_iam_binding
#     - google_cloudfunctions2_function_iam_policy
#     - google_cloud_run_service_iam_member
#     - google_cloud_run_service_iam_binding
#     - google_cloud_run_service_iam_policy
#     - google_cloud_run_v2_service_iam_member
#     - google_cloud_run_v2_service_iam_binding
#     - google_cloud_run_v2_service_iam_policy
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.8.3]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.4.2", "7.2.1"]
#   remediation: >-
#     Remove the allUsers / allAuthenticatedUsers member and grant roles/cloudfunctions.invoker
#     or roles/run.invoker to the service accounts or groups that call the service; publish
#     deliberately public endpoints through an API gateway or load balancer with Cloud Armor.
package rules.gcp.functions.public

import rego.v1

import data.lib.gcp
import data.lib.tenet

target(r) if regex.match(`^google_(cloudfunctions2?_function|cloud_run(_v2)?_service)_iam_(member|binding|policy)$`, r.type)

deny contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	target(g.resource)
	some m in g.members
	gcp.public_member(m)
	msg := sprintf("%s %q grants %s to %s", [g.resource.type, g.resource.name, g.role, m])
}

undetermined contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	target(g.resource)
	g.members_unknown
	msg := sprintf("whether %s %q grants access to allUsers or allAuthenticatedUsers depends on members not known before apply", [g.resource.type, g.resource.name])
}

undetermined contains tenet.finding(r, msg, "policy_data") if {
	some r in data.lib.gcp.iam_unknown_policies
	target(r)
	msg := sprintf("the policy of %s %q is not known before apply", [r.type, r.name])
}
