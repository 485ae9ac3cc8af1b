# METADATA
# title: Compute Engine instances do not run as the default service account with full API access
# description: >-
#   The Compute Engine default service account is granted the Editor role on the project in
#   many organizations; combined with the cloud-platform access scope, any process on the VM
#   (or anyone who compromises it) can read and change almost every resource in the project
#   through the metadata server's token. Workloads should run as a dedicated service account
#   holding only the roles they need. An instance gets the default account when its
#   `service_account` block names no email.
# scope: package
# custom:
#   id: gcp-compute-default-service-account
#   check: least-privilege
#   severity: high
#   resource_types: [google_compute_instance, google_compute_instance_template, google_compute_region_instance_template]
#   controls:
#     soc2: [CC6.1, CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     Create a dedicated `google_service_account` with least-privilege roles and set
#     `service_account { email = google_service_account.<name>.email scopes = ["cloud-platform"] }`,
#     or keep the default account but with narrow scopes only.
package rules.gcp.compute.default_service_account

import rego.v1

import data.lib.gcp
import data.lib.tenet

types := ["google_compute_instance", "google_compute_instance_template", "google_compute_region_instance_template"]

full_scopes := {"cloud-platform", "https://www.googleapis.com/auth/cloud-platform"}

email_path := "service_account[0].email"

scopes_path := "service_account[0].scopes"

instances contains [r, sa] if {
	some t in types
	some r in tenet.of_input_type(t)
	gcp.has_block(r, "service_account")
	sa := gcp.first_block(r, "service_account")
}

deny contains tenet.finding(r, msg, "service_account[0]") if {
	some [r, sa] in instances
	not tenet.is_unknown(r, email_path)
	default_email(tenet.get(sa, "email", ""))
	not tenet.is_unknown(r, scopes_path)
	full_access(sa)
	msg := sprintf("%s %q runs as the Compute Engine default service account with the cloud-platform scope", [r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "service_account[0]") if {
	some [r, sa] in instances
	maybe_default(r, sa)
	maybe_full(r, sa)
	some p in [email_path, scopes_path]
	tenet.is_unknown(r, p)
	not gcp.refers_to(r, email_path, {"google_service_account"})
	msg := sprintf("whether %s %q runs as the default service account with full API access is not known before apply", [r.type, r.name])
}

default_email(e) if e in {"", "default"}

default_email(e) if endswith(e, "-compute@developer.gserviceaccount.com")

full_access(sa) if {
	some s in tenet.as_list(tenet.get(sa, "scopes", []))
	s in full_scopes
}

maybe_default(r, _) if tenet.is_unknown(r, email_path)

maybe_default(r, sa) if {
	not tenet.is_unknown(r, email_path)
	default_email(tenet.get(sa, "email", ""))
}

maybe_full(r, _) if tenet.is_unknown(r, scopes_path)

maybe_full(r, sa) if full_access(sa)
