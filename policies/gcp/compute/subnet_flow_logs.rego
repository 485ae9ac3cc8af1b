# METADATA
# title: VPC subnets have flow logs enabled
# description: >-
#   VPC Flow Logs record a sample of the connections to and from every VM interface in the
#   subnet (addresses, ports, bytes). They are how network intrusions, data exfiltration and
#   lateral movement are found and investigated, and how monitoring requirements for network
#   traffic are met. Proxy-only, Private Service Connect and private NAT subnets (any
#   `purpose` other than PRIVATE) cannot have flow logs and are not checked.
# scope: package
# custom:
#   id: gcp-subnet-flow-logs
#   check: flow-logs
#   severity: medium
#   resource_types: [google_compute_subnetwork]
#   controls:
#     soc2: [CC7.2, CC7.3]
#     iso27001-2022: [A.8.15, A.8.16]
#     gdpr: [Art.32]
#     hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"]
#     pci-dss-4.0: ["10.2.1", "10.2.2"]
#   remediation: >-
#     Add a `log_config` block to the subnetwork (for example `aggregation_interval =
#     "INTERVAL_5_SEC"`, `flow_sampling = 0.5`, `metadata = "INCLUDE_ALL_METADATA"`).
package rules.gcp.compute.subnet_flow_logs

import rego.v1

import data.lib.gcp
import data.lib.tenet

vm_purposes := {"PRIVATE", "PRIVATE_RFC_1918"}

deny contains tenet.finding(r, msg, "log_config") if {
	some r in tenet.of_input_type("google_compute_subnetwork")
	upper(tenet.attr(r, "purpose", "PRIVATE")) in vm_purposes
	not gcp.has_block(r, "log_config")
	not tenet.is_unknown(r, "log_config")
	msg := sprintf("subnetwork %q has no VPC flow logs (no log_config block)", [r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type("google_compute_subnetwork")
	not gcp.has_block(r, "log_config")
	some key in ["purpose", "log_config"]
	tenet.is_unknown(r, key)
	not upper(tenet.attr(r, "purpose", "PRIVATE")) in non_vm_purposes(r)
	msg := sprintf("whether subnetwork %q has flow logs depends on %s, which is not known before apply", [r.name, key])
}

# Purposes known not to be VM subnets (empty when the purpose is unknown).
non_vm_purposes(r) := {p | p := upper(tenet.attr(r, "purpose", "PRIVATE")); not p in vm_purposes}
