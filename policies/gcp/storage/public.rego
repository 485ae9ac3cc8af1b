# METADATA
# title: Cloud Storage buckets and objects are not public
# description: >-
#   A grant to allUsers or allAuthenticatedUsers, through IAM or a legacy ACL, lets anyone on
#   the internet (or anyone with any Google account) read, list or write the bucket's objects.
#   Public buckets are the most common cause of cloud data leaks; storage holding personal,
#   health or card data must never be world-readable. A bucket's `public_access_prevention`
#   left at "inherited" is not by itself reported: it only matters once a public grant exists,
#   and such grants are what this rule finds.
# scope: package
# custom:
#   id: gcp-storage-public
#   check: object-storage-public
#   severity: high
#   resource_types:
#     - google_storage_bucket_iam_member
#     - google_storage_bucket_iam_binding
#     - google_storage_bucket_iam_policy
#     - google_storage_bucket_acl
#     - google_storage_default_object_acl
#     - google_storage_object_acl
#     - google_storage_bucket_access_control
#     - google_storage_default_object_access_control
#     - google_storage_object_access_control
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.5.15, A.8.3]
#     gdpr: [Art.25(2), Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Remove the allUsers / allAuthenticatedUsers members and ACL entries, grant access to
#     named principals only, set `public_access_prevention = "enforced"` on the bucket, and
#     share single objects through signed URLs.
package rules.gcp.storage.public

import rego.v1

import data.lib.gcp
import data.lib.tenet

iam_types := {"google_storage_bucket_iam_member", "google_storage_bucket_iam_binding", "google_storage_bucket_iam_policy"}

acl_types := {"google_storage_bucket_acl", "google_storage_default_object_acl", "google_storage_object_acl"}

control_types := {"google_storage_bucket_access_control", "google_storage_default_object_access_control", "google_storage_object_access_control"}

public_predefined := {"publicread", "publicreadwrite", "authenticatedread"}

deny contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	g.resource.type in iam_types
	some m in g.members
	gcp.public_member(m)
	msg := sprintf("%s %q grants %s to %s", [g.resource.type, g.resource.name, role_label(g), m])
}

deny contains tenet.finding(r, msg, sprintf("role_entity[%d]", [i])) if {
	some t in acl_types
	some r in tenet.of_input_type(t)
	some i, e in tenet.as_list(tenet.attr(r, "role_entity", []))
	gcp.public_acl_entity(e)
	msg := sprintf("%s %q has the public ACL entry %q", [r.type, r.name, e])
}

deny contains tenet.finding(r, msg, "predefined_acl") if {
	some t in acl_types
	some r in tenet.of_input_type(t)
	acl := tenet.attr(r, "predefined_acl", "")
	lower(acl) in public_predefined
	msg := sprintf("%s %q applies the public predefined ACL %q", [r.type, r.name, acl])
}

deny contains tenet.finding(r, msg, "entity") if {
	some t in control_types
	some r in tenet.of_input_type(t)
	e := tenet.attr(r, "entity", "")
	gcp.public_member(e)
	msg := sprintf("%s %q grants %s to %s", [r.type, r.name, tenet.attr(r, "role", "a role"), e])
}

undetermined contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	g.resource.type in iam_types
	g.members_unknown
	msg := sprintf("whether %s %q grants access to allUsers or allAuthenticatedUsers depends on members not known before apply", [g.resource.type, g.resource.name])
}

undetermined contains tenet.finding(r, msg, "policy_data") if {
	some r in data.lib.gcp.iam_unknown_policies
	r.type in iam_types
	msg := sprintf("the policy of %s %q is not known before apply", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some t in acl_types | control_types
	some r in tenet.of_input_type(t)
	some key in ["role_entity", "predefined_acl", "entity"]
	tenet.is_unknown(r, key)
	msg := sprintf("whether %s %q is public depends on %s, which is not known before apply", [r.type, r.name, key])
}

role_label(g) := sprintf("%q", [g.role]) if not g.role_unknown

role_label(g) := "a role" if g.role_unknown
