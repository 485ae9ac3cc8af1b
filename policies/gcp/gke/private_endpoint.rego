# METADATA
# title: GKE control plane endpoints are not open to the whole internet
# description: >-
#   A cluster's Kubernetes API server is by default reachable on a public IP from any address.
#   Anyone can then probe it for authentication flaws, leaked credentials and API server
#   vulnerabilities. A cluster passes when its control plane has only a private endpoint, its
#   IP endpoint is turned off (DNS endpoint only), or authorized networks restrict which
#   addresses can reach the public endpoint (without 0.0.0.0/0 and without opening it to all
#   Google Cloud public IPs).
# scope: package
# custom:
#   id: gcp-gke-private-endpoint
#   check: kubernetes-api-public
#   severity: high
#   resource_types: [google_container_cluster]
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.2"]
#   remediation: >-
#     Set `private_cluster_config { enable_private_endpoint = true }`, or add
#     `master_authorized_networks_config` with `cidr_blocks` for the networks that administer the
#     cluster (never 0.0.0.0/0).
package rules.gcp.gke.private_endpoint

import rego.v1

import data.lib.gcp
import data.lib.tenet

man := "master_authorized_networks_config"

deny contains tenet.finding(r, msg, "master_authorized_networks_config") if {
	some r in clusters
	not gcp.has_block(r, man)
	msg := sprintf("GKE cluster %q exposes its control plane on a public endpoint without authorized networks", [r.name])
}

deny contains tenet.finding(r, msg, sprintf("%s[0].cidr_blocks[%d].cidr_block", [man, i])) if {
	some r in clusters
	some i, c in tenet.blocks(tenet.get(gcp.first_block(r, man), "cidr_blocks", []))
	gcp.public_cidr(tenet.get(c, "cidr_block", ""))
	msg := sprintf("GKE cluster %q authorizes %s to reach its control plane endpoint", [r.name, c.cidr_block])
}

deny contains tenet.finding(r, msg, sprintf("%s[0].gcp_public_cidrs_access_enabled", [man])) if {
	some r in clusters
	tenet.to_bool(tenet.get(gcp.first_block(r, man), "gcp_public_cidrs_access_enabled", false)) == true
	msg := sprintf("GKE cluster %q lets every Google Cloud public IP reach its control plane endpoint", [r.name])
}

undetermined contains tenet.finding(r, msg, "private_cluster_config") if {
	some r in tenet.of_input_type("google_container_cluster")
	not private(r)
	some u in r.unknown
	some prefix in ["private_cluster_config", "control_plane_endpoints_config", man]
	tenet.covers(u, prefix)
	msg := sprintf("whether GKE cluster %q exposes its control plane publicly depends on values not known before apply", [r.name])
}

# Clusters with a public control plane endpoint whose exposure is fully known.
clusters contains r if {
	some r in tenet.of_input_type("google_container_cluster")
	not private(r)
	not exposure_unknown(r)
}

private(r) if tenet.to_bool(tenet.get(gcp.first_block(r, "private_cluster_config"), "enable_private_endpoint", false)) == true

private(r) if {
	ip := gcp.sub_block(gcp.first_block(r, "control_plane_endpoints_config"), "ip_endpoints_config")
	tenet.to_bool(tenet.get(ip, "enabled", true)) == false
}

exposure_unknown(r) if {
	some u in r.unknown
	some prefix in ["private_cluster_config", "control_plane_endpoints_config", man]
	tenet.covers(u, prefix)
}
