# METADATA
# title: VPC firewall rules do not open SSH or RDP to the internet
# description: >-
#   SSH (22) and RDP (3389) reachable from 0.0.0.0/0 or ::/0 expose administrative logins to
#   constant brute-force and exploit attempts from the whole internet. An ingress rule that
#   names no source at all applies to 0.0.0.0/0 too. Administrative access belongs behind
#   Identity-Aware Proxy TCP forwarding (35.235.240.0/20), a bastion, a VPN or an allow-list
#   of known addresses. (Rules opening every port are reported by
#   gcp-compute-firewall-all-ports-public instead.)
# scope: package
# custom:
#   id: gcp-compute-firewall-admin-ports-public
#   check: admin-ports-public
#   severity: critical
#   resource_types: [google_compute_firewall]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)", "164.312(e)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     Restrict `source_ranges` to known address ranges (for IAP TCP forwarding,
#     35.235.240.0/20), or remove the rule and reach instances through IAP or a bastion.
package rules.gcp.compute.firewall_admin_ports_public

import rego.v1

import data.lib.gcp
import data.lib.tenet

admin_ports := {22: "SSH", 3389: "RDP"}

deny contains tenet.finding(x.resource, msg, x.attribute) if {
	some x in data.lib.gcp.firewall_allows
	count(x.sources) > 0
	not x.ports_unknown
	not gcp.allow_all_ports(x.allow)
	opened := [sprintf("%s (port %d)", [name, port]) | some port, name in admin_ports; gcp.allow_opens_tcp_port(x.allow, port)]
	count(opened) > 0
	msg := sprintf("firewall rule %q allows %s from %s", [x.resource.name, concat(" and ", opened), x.sources[0]])
}

undetermined contains tenet.finding(r, msg, "source_ranges") if {
	some r in data.lib.gcp.firewall_unknown
	could_open_admin(r)
	msg := sprintf("whether firewall rule %q opens SSH or RDP to the internet depends on values not known before apply", [r.name])
}

# Some allow block of r has unknown protocol or ports, or opens an admin port (but not every
# port, which the all-ports rule reports); unknown allow blocks as a whole count too.
could_open_admin(r) if "allow" in r.unknown

could_open_admin(r) if {
	some i, allow in tenet.blocks(tenet.attr(r, "allow", []))
	tenet.is_unknown(r, sprintf("allow[%d]", [i]))
}

could_open_admin(r) if {
	some allow in tenet.blocks(tenet.attr(r, "allow", []))
	is_object(allow)
	not gcp.allow_all_ports(allow)
	some port, _ in admin_ports
	gcp.allow_opens_tcp_port(allow, port)
}
