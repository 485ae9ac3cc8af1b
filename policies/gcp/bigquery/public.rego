# METADATA
# title: BigQuery datasets and tables are not public
# description: >-
#   Access for allUsers or allAuthenticatedUsers on a dataset or table lets anyone on the
#   internet (or anyone with any Google account) query its data. Analytics datasets often hold
#   copies of customer, health or payment records; a public grant exposes all of them at once.
#   Dataset `access` blocks, google_bigquery_dataset_access and the dataset and table IAM
#   resources are checked.
# scope: package
# custom:
#   id: gcp-bigquery-public
#   check: object-storage-public
#   severity: high
#   resource_types:
#     - google_bigquery_dataset
#     - google_bigquery_dataset_access
#     - google_bigquery_dataset_iam_member
#     - google_bigquery_dataset_iam_binding
#     - google_bigquery_dataset_iam_policy
#     - google_bigquery_table_iam_member
#     - google_bigquery_table_iam_binding
#     - google_bigquery_table_iam_policy
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.5.15, A.8.3]
#     gdpr: [Art.25(2), Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Remove the allUsers / allAuthenticatedUsers access entries and IAM members; grant access
#     to named groups or service accounts, or publish an authorized view of non-sensitive
#     columns instead.
package rules.gcp.bigquery.public

import rego.v1

import data.lib.gcp
import data.lib.tenet

iam_types := {
	"google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding", "google_bigquery_dataset_iam_policy",
	"google_bigquery_table_iam_member", "google_bigquery_table_iam_binding", "google_bigquery_table_iam_policy",
}

# Fields of an access entry that can name a public principal.
principal_fields := ["special_group", "iam_member"]

# [resource, path of the access entry ("" for a whole resource), the entry]
entries contains [r, sprintf("access[%d]", [i]), a] if {
	some r in tenet.of_input_type("google_bigquery_dataset")
	some i, a in tenet.blocks(tenet.attr(r, "access", []))
	is_object(a)
}

entries contains [r, "", r.attributes] if {
	some r in tenet.of_input_type("google_bigquery_dataset_access")
}

deny contains tenet.finding(r, msg, path(base, f)) if {
	some [r, base, a] in entries
	some f in principal_fields
	p := tenet.get(a, f, "")
	gcp.public_member(p)
	msg := sprintf("%s %q gives %s access to %s", [r.type, r.name, role(a), p])
}

deny contains tenet.finding(g.resource, msg, g.attribute) if {
	some g in data.lib.gcp.iam_grants
	g.resource.type in iam_types
	some m in g.members
	gcp.public_member(m)
	msg := sprintf("%s %q grants %s to %s", [g.resource.type, g.resource.name, g.role, m])
}

undetermined contains tenet.finding(r, msg, path(base, f)) if {
	some [r, base, _] in entries
	some f in principal_fields
	tenet.is_unknown(r, path(base, f))
	msg := sprintf("whether %s %q gives access to allUsers or allAuthenticatedUsers depends on %s, which is not known before apply", [r.type, r.name, f])
}

undetermined contains tenet.finding(r, msg, "access") if {
	some r in tenet.of_input_type("google_bigquery_dataset")
	"access" in r.unknown
	msg := sprintf("the access entries of BigQuery dataset %q are not known before apply", [r.name])
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

path(base, f) := f if base == ""

path(base, f) := concat(".", [base, f]) if base != ""

role(a) := sprintf("%v", [tenet.get(a, "role", "")]) if tenet.get(a, "role", "") != ""

role(a) := "some" if tenet.get(a, "role", "") == ""
