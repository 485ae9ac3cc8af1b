# METADATA
# title: AKS clusters upgrade Kubernetes and node images automatically
# description: >-
#   Kubernetes patch releases and node images carry the fixes for vulnerabilities in the
#   control plane, kubelet, container runtime and node OS; a cluster that waits for someone to
#   upgrade it by hand keeps known flaws open, and falls out of support. AKS upgrades a cluster
#   itself only under an auto-upgrade channel: a cluster is reported when
#   `autoUpgradeProfile.upgradeChannel` is absent or `none` (the API's default; Terraform
#   `automatic_upgrade_channel`, `automatic_channel_upgrade` in provider v3), or when its node
#   OS channel `nodeOSUpgradeChannel` is `None` (Terraform `node_os_upgrade_channel`,
#   `node_os_channel_upgrade` in v3), which leaves node images unpatched.
# scope: package
# custom:
#   id: azure-aks-auto-upgrade
#   check: auto-patching
#   severity: low
#   resource_types: [Microsoft.ContainerService/managedClusters, azurerm_kubernetes_cluster]
#   controls:
#     soc2: [CC7.1]
#     iso27001-2022: [A.8.8]
#     gdpr: [Art.32(1)(d)]
#     hipaa: ["164.308(a)(1)(ii)(A)"]
#     pci-dss-4.0: ["6.3.3"]
#   remediation: >-
#     ARM/Bicep: set `properties.autoUpgradeProfile.upgradeChannel` to 'patch' (or 'stable',
#     'rapid', 'node-image') and leave `nodeOSUpgradeChannel` at 'NodeImage' or
#     'SecurityPatch'; add a maintenance configuration to choose when upgrades happen.
#     Terraform: set `automatic_upgrade_channel = "patch"` and do not set
#     `node_os_upgrade_channel = "None"`.
package rules.azure.aks.auto_upgrade

import rego.v1

import data.lib.tenet

arm_type := "Microsoft.ContainerService/managedClusters"

tf_type := "azurerm_kubernetes_cluster"

upgrade_path := "properties.autoUpgradeProfile.upgradeChannel"

os_path := "properties.autoUpgradeProfile.nodeOSUpgradeChannel"

deny contains tenet.finding(r, msg, upgrade_path) if {
	some r in tenet.of_input_type(arm_type)
	not tenet.is_unknown(r, upgrade_path)
	v := object.get(r.attributes, ["properties", "autoUpgradeProfile", "upgradeChannel"], null)
	off(v)
	msg := sprintf("AKS cluster %q has no auto-upgrade channel (upgradeChannel %v): Kubernetes patches wait for a manual upgrade", [r.name, label(v)])
}

deny contains tenet.finding(r, msg, os_path) if {
	some r in tenet.of_input_type(arm_type)
	v := object.get(r.attributes, ["properties", "autoUpgradeProfile", "nodeOSUpgradeChannel"], null)
	v != null
	off(v)
	msg := sprintf("AKS cluster %q sets nodeOSUpgradeChannel None: node OS images are not patched automatically", [r.name])
}

undetermined contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type(arm_type)
	some path in [upgrade_path, os_path]
	tenet.is_unknown(r, path)
	msg := sprintf("%s of AKS cluster %q is not known before deployment", [path, r.name])
}

tf_upgrade_keys := ["automatic_upgrade_channel", "automatic_channel_upgrade"]

tf_os_keys := ["node_os_upgrade_channel", "node_os_channel_upgrade"]

deny contains tenet.finding(r, msg, tf_upgrade_keys[0]) if {
	some r in tenet.of_input_type(tf_type)
	every k in tf_upgrade_keys {
		not tenet.is_unknown(r, k)
		off(object.get(r.attributes, k, null))
	}
	msg := sprintf("azurerm_kubernetes_cluster %q sets no automatic_upgrade_channel: Kubernetes patches wait for a manual upgrade", [r.name])
}

deny contains tenet.finding(r, msg, k) if {
	some r in tenet.of_input_type(tf_type)
	some k in tf_os_keys
	v := object.get(r.attributes, k, null)
	v != null
	off(v)
	msg := sprintf("azurerm_kubernetes_cluster %q sets %s = \"None\": node OS images are not patched automatically", [r.name, k])
}

undetermined contains tenet.finding(r, msg, k) if {
	some r in tenet.of_input_type(tf_type)
	some k in array.concat(tf_upgrade_keys, tf_os_keys)
	tenet.is_unknown(r, k)
	msg := sprintf("%s of azurerm_kubernetes_cluster %q is not known before apply", [k, r.name])
}

off(v) if v == null

off(v) if lower(sprintf("%v", [v])) in {"", "none"}

label(null) := "unset"

label(v) := sprintf("%q", [v]) if v != null
