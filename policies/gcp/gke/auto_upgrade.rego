# METADATA
# title: GKE node pools upgrade automatically
# description: >-
#   Node auto-upgrade keeps node pools on a supported GKE version with the node image's
#   security patches (kernel, container runtime, kubelet). A pool with auto-upgrade turned off
#   keeps running known-vulnerable software until someone upgrades it by hand. Auto-upgrade is
#   on by default; pools that turn it off are reported, for separate node pool resources and
#   for node pools declared inline in the cluster.
# scope: package
# custom:
#   id: gcp-gke-auto-upgrade
#   check: auto-patching
#   severity: low
#   resource_types: [google_container_node_pool, google_container_cluster]
#   controls:
#     soc2: [CC7.1]
#     iso27001-2022: [A.8.8]
#     gdpr: [Art.32(1)(d)]
#     hipaa: ["164.308(a)(1)(ii)(A)"]
#     pci-dss-4.0: ["6.3.3"]
#   remediation: >-
#     Set `management { auto_upgrade = true }` on the node pool (or remove the override) and
#     control timing with maintenance windows and a release channel.
package rules.gcp.gke.auto_upgrade

import rego.v1

import data.lib.gcp
import data.lib.tenet

# [resource, path of the management block, the block, label]
pools contains [r, "management[0]", gcp.first_block(r, "management"), sprintf("GKE node pool %q", [r.name])] if {
	some r in tenet.of_input_type("google_container_node_pool")
}

pools contains [r, sprintf("node_pool[%d].management[0]", [i]), gcp.sub_block(p, "management"), label] if {
	some r in tenet.of_input_type("google_container_cluster")
	some i, p in tenet.blocks(tenet.attr(r, "node_pool", []))
	is_object(p)
	label := sprintf("node pool %v of GKE cluster %q", [tenet.get(p, "name", i), r.name])
}

deny contains tenet.finding(r, msg, sprintf("%s.auto_upgrade", [base])) if {
	some [r, base, m, label] in pools
	not tenet.is_unknown(r, sprintf("%s.auto_upgrade", [base]))
	tenet.to_bool(tenet.get(m, "auto_upgrade", true)) == false
	msg := sprintf("%s turns node auto-upgrade off", [label])
}

undetermined contains tenet.finding(r, msg, sprintf("%s.auto_upgrade", [base])) if {
	some [r, base, _, label] in pools
	tenet.is_unknown(r, sprintf("%s.auto_upgrade", [base]))
	msg := sprintf("whether %s upgrades automatically is not known before apply", [label])
}

undetermined contains tenet.finding(r, msg, "node_pool") if {
	some r in tenet.of_input_type("google_container_cluster")
	some u in r.unknown
	regex.match(`^node_pool(\[[0-9]+\](\.management)?)?$`, u)
	msg := sprintf("the node pools declared in GKE cluster %q are not known before apply", [r.name])
}
