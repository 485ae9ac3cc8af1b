# METADATA
# title: Cloud Audit Logs record data access for all services and all users
# description: >-
#   Admin Activity audit logs are always on, but reads of configuration and reads and writes
#   of user data (ADMIN_READ, DATA_READ, DATA_WRITE) are only logged when an audit config
#   turns them on. An audit config for allServices that leaves any of them out, or any audit
#   config that exempts members from logging, leaves gaps in the trail investigators and
#   auditors rely on. Only the audit configs the configuration declares can be checked: a
#   project without any is not reported, since its logging may be set on a folder or the
#   organization.
# scope: package
# custom:
#   id: gcp-iam-audit-config
#   check: audit-trail
#   severity: high
#   resource_types: [google_project_iam_audit_config, google_folder_iam_audit_config, google_organization_iam_audit_config]
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32, Art.33]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: >-
#     Give the `allServices` audit config `audit_log_config` blocks for ADMIN_READ, DATA_READ
#     and DATA_WRITE, and remove `exempted_members`.
package rules.gcp.iam.audit_config

import rego.v1

import data.lib.gcp
import data.lib.tenet

required := {"ADMIN_READ", "DATA_READ", "DATA_WRITE"}

configs contains r if {
	some t in data.lib.gcp.audit_config_types
	some r in tenet.of_input_type(t)
}

deny contains tenet.finding(r, msg, "audit_log_config") if {
	some r in configs
	tenet.attr(r, "service", "") == "allServices"
	not log_types_unknown(r)
	missing := required - gcp.audit_log_types(r)
	count(missing) > 0
	msg := sprintf("%s %q for allServices does not log %s", [r.type, r.name, concat(", ", sort(missing))])
}

deny contains tenet.finding(r, msg, sprintf("audit_log_config[%d].exempted_members", [i])) if {
	some r in configs
	some i, c in tenet.blocks(tenet.attr(r, "audit_log_config", []))
	exempted := [m | some m in tenet.as_list(tenet.get(c, "exempted_members", [])); m != null]
	count(exempted) > 0
	msg := sprintf("%s %q exempts %s from %v audit logs of %v", [r.type, r.name, concat(", ", exempted), tenet.get(c, "log_type", "some"), tenet.attr(r, "service", "a service")])
}

undetermined contains tenet.finding(r, msg, "audit_log_config") if {
	some r in configs
	some u in r.unknown
	regex.match(`^(service|audit_log_config(\[[0-9]+\](\.(log_type|exempted_members).*)?)?)$`, u)
	msg := sprintf("the audit log settings of %s %q are not known before apply", [r.type, r.name])
}

log_types_unknown(r) if {
	some u in r.unknown
	regex.match(`^audit_log_config(\[[0-9]+\](\.log_type)?)?$`, u)
}
