# METADATA
# title: Compute Engine instances have no external IP address
# description: >-
#   An `access_config` (or an `ipv6_access_config`) on a network interface gives the VM an
#   external address, so every port a firewall rule opens is reachable from the internet and
#   the VM can be scanned and attacked directly. Instances should sit on internal addresses
#   behind load balancers, with Cloud NAT for outbound traffic and IAP for administration.
# scope: package
# custom:
#   id: gcp-compute-public-ip
#   check: public-ip
#   severity: medium
#   resource_types: [google_compute_instance, google_compute_instance_template, google_compute_region_instance_template]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: []
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.4.2", "1.4.4"]
#   remediation: >-
#     Remove the `access_config` / `ipv6_access_config` blocks from `network_interface`; use
#     Cloud NAT for egress, a load balancer for published services and IAP TCP forwarding for
#     SSH/RDP.
package rules.gcp.compute.public_ip

import rego.v1

import data.lib.tenet

types := ["google_compute_instance", "google_compute_instance_template", "google_compute_region_instance_template"]

external := {"access_config": "an external IPv4 address", "ipv6_access_config": "an external IPv6 address"}

deny contains tenet.finding(r, msg, sprintf("network_interface[%d].%s", [i, key])) if {
	some t in types
	some r in tenet.of_input_type(t)
	some i, nic in tenet.blocks(tenet.attr(r, "network_interface", []))
	is_object(nic)
	some key, label in external
	count(tenet.blocks(tenet.get(nic, key, []))) > 0
	msg := sprintf("%s %q has %s (network_interface %d has an %s block)", [r.type, r.name, label, i, key])
}

undetermined contains tenet.finding(r, msg, "network_interface") if {
	some t in types
	some r in tenet.of_input_type(t)
	not has_external(r)
	some u in r.unknown
	regex.match(`^network_interface(\[[0-9]+\](\.(ipv6_)?access_config)?)?$`, u)
	msg := sprintf("whether %s %q gets an external IP address is not known before apply", [r.type, r.name])
}

has_external(r) if {
	some nic in tenet.blocks(tenet.attr(r, "network_interface", []))
	is_object(nic)
	some key, _ in external
	count(tenet.blocks(tenet.get(nic, key, []))) > 0
}
