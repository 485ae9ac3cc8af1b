# METADATA
# title: GKE clusters send their logs to Cloud Logging
# description: >-
#   With `logging_service = "none"`, or a `logging_config` that enables no component, the
#   cluster's system components (and, when listed, the API server, scheduler and controller
#   manager) write no logs to Cloud Logging, so failed authentications, errors and suspicious
#   activity inside the cluster leave no record to monitor or investigate. Kubernetes audit
#   logs themselves are Cloud Audit Logs (Admin Activity always on; Data Access per the
#   project's audit config), which this rule cannot see.
# scope: package
# custom:
#   id: gcp-gke-logging
#   check: kubernetes-audit-logging
#   severity: medium
#   resource_types: [google_container_cluster]
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32, Art.33]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: >-
#     Remove `logging_service = "none"` (the default is "logging.googleapis.com/kubernetes")
#     and list at least SYSTEM_COMPONENTS (ideally also APISERVER) in
#     `logging_config { enable_components = [...] }`.
package rules.gcp.gke.logging

import rego.v1

import data.lib.gcp
import data.lib.tenet

deny contains tenet.finding(r, msg, "logging_service") if {
	some r in tenet.of_input_type("google_container_cluster")
	lower(tenet.attr(r, "logging_service", "")) == "none"
	msg := sprintf("GKE cluster %q turns logging off (logging_service \"none\")", [r.name])
}

deny contains tenet.finding(r, msg, "logging_config[0].enable_components") if {
	some r in tenet.of_input_type("google_container_cluster")
	not lower(tenet.attr(r, "logging_service", "")) == "none"
	cfg := gcp.first_block(r, "logging_config")
	tenet.has_value(cfg, "enable_components")
	not tenet.is_unknown(r, "logging_config[0].enable_components")
	count(tenet.as_list(cfg.enable_components)) == 0
	msg := sprintf("GKE cluster %q enables no logging components (logging_config.enable_components is empty)", [r.name])
}

undetermined contains tenet.finding(r, msg, p) if {
	some r in tenet.of_input_type("google_container_cluster")
	not lower(tenet.attr(r, "logging_service", "")) == "none"
	some p in ["logging_service", "logging_config[0].enable_components"]
	tenet.is_unknown(r, p)
	msg := sprintf("whether GKE cluster %q sends logs to Cloud Logging depends on %s, which is not known before apply", [r.name, p])
}
