# METADATA
# title: VPC firewall rules do not open every port to the internet
# description: >-
#   An ingress rule allowing protocol "all", or TCP/UDP without a port list (or over the whole
#   port range), from 0.0.0.0/0 or ::/0 exposes every service on the targeted instances,
#   including databases, admin interfaces and debug endpoints nobody meant to publish. An
#   ingress rule that names no source applies to 0.0.0.0/0 too. Only the ports a service needs
#   should be reachable from the internet.
# scope: package
# custom:
#   id: gcp-compute-firewall-all-ports-public
#   check: all-ports-public
#   severity: critical
#   resource_types: [google_compute_firewall]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     List only the needed ports in each `allow` block (`ports = ["443"]`) and restrict
#     `source_ranges` to the addresses that need them.
package rules.gcp.compute.firewall_all_ports_public

import rego.v1

import data.lib.gcp
import data.lib.tenet

deny contains tenet.finding(x.resource, msg, x.attribute) if {
	some x in data.lib.gcp.firewall_allows
	count(x.sources) > 0
	not x.ports_unknown
	gcp.allow_all_ports(x.allow)
	msg := sprintf("firewall rule %q allows every %s port from %s", [x.resource.name, protocol_label(x.allow), x.sources[0]])
}

undetermined contains tenet.finding(r, msg, "source_ranges") if {
	some r in data.lib.gcp.firewall_unknown
	could_open_all(r)
	msg := sprintf("whether firewall rule %q opens every port to the internet depends on values not known before apply", [r.name])
}

protocol_label(allow) := "protocol and" if gcp.all_protocols(tenet.get(allow, "protocol", ""))

protocol_label(allow) := upper(tenet.get(allow, "protocol", "")) if not gcp.all_protocols(tenet.get(allow, "protocol", ""))

# Some allow block of r has unknown protocol or ports, or opens every port.
could_open_all(r) if "allow" in r.unknown

could_open_all(r) if {
	some i, allow in tenet.blocks(tenet.attr(r, "allow", []))
	tenet.is_unknown(r, sprintf("allow[%d]", [i]))
}

could_open_all(r) if {
	some allow in tenet.blocks(tenet.attr(r, "allow", []))
	is_object(allow)
	gcp.allow_all_ports(allow)
}
