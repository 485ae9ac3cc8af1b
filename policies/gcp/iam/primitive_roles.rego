# METADATA
# title: Basic roles Owner and Editor are not granted on projects, folders or organizations
# description: >-
#   The basic roles roles/owner and roles/editor grant broad rights over almost every service
#   (Editor can read and change nearly all data and resources; Owner can also manage IAM),
#   far beyond what any user, group or workload needs. A compromised principal holding one
#   of them compromises the whole project, folder or organization. Google recommends
#   predefined or custom roles scoped to the task instead.
# scope: package
# custom:
#   id: gcp-iam-primitive-roles
#   check: least-privilege
#   severity: high
#   resource_types:
#     - google_project_iam_member
#     - google_project_iam_binding
#     - google_project_iam_policy
#     - google_folder_iam_member
#     - google_folder_iam_binding
#     - google_folder_iam_policy
#     - google_organization_iam_member
#     - google_organization_iam_binding
#     - google_organization_iam_policy
#   controls:
#     soc2: [CC6.1, CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     Replace roles/owner and roles/editor with predefined roles for the services the
#     principal uses (or a custom role); keep break-glass ownership outside day-to-day
#     principals.
package rules.gcp.iam.primitive_roles

import rego.v1

import data.lib.tenet

basic_roles := {"roles/owner", "roles/editor"}

scoped(r) if regex.match(`^google_(project|folder|organization)_iam_(member|binding|policy)$`, r.type)

deny contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	scoped(g.resource)
	not g.role_unknown
	g.role in basic_roles
	grantees := members_label(g)
	msg := sprintf("%s %q grants the basic role %s to %s", [g.resource.type, g.resource.name, g.role, grantees])
}

# Whoever receives the role, it is a basic role: a member computed at apply time (a service
# account's email) is still granted it.
members_label(g) := concat(", ", [sprintf("%v", [m]) | some m in g.members]) if {
	count(g.members) > 0
	not g.members_unknown
}

members_label(g) := "a member not known before apply" if {
	count(g.members) == 0
	g.members_unknown
}

members_label(g) := concat(", ", array.concat([sprintf("%v", [m]) | some m in g.members], ["members not known before apply"])) if {
	count(g.members) > 0
	g.members_unknown
}

undetermined contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	scoped(g.resource)
	g.role_unknown
	msg := sprintf("the role %s %q grants is not known before apply", [g.resource.type, g.resource.name])
}

undetermined contains tenet.finding(r, msg, "policy_data") if {
	some r in data.lib.gcp.iam_unknown_policies
	scoped(r)
	msg := sprintf("the policy of %s %q is not known before apply", [r.type, r.name])
}
