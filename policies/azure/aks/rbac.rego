# METADATA
# title: AKS clusters enforce Kubernetes RBAC
# description: >-
#   Without Kubernetes role-based access control, every identity that can reach the cluster's
#   API is authorized for everything: any pod's service account, any developer credential, can
#   read all secrets and change every workload. RBAC is what lets access follow least
#   privilege, and it can only be chosen when the cluster is created. AKS enables it when
#   `enableRBAC` is absent, and the azurerm provider defaults
#   `role_based_access_control_enabled` to true (v3, v4; v2 used a `role_based_access_control`
#   block), so only an explicit false is reported. Entra ID integration and
#   `disableLocalAccounts` strengthen it further but are not checked here.
# scope: package
# custom:
#   id: azure-aks-rbac
#   check: least-privilege
#   severity: high
#   resource_types: [Microsoft.ContainerService/managedClusters, azurerm_kubernetes_cluster]
#   controls:
#     soc2: [CC6.1, CC6.3]
#     iso27001-2022: [A.5.15, A.5.18, A.8.2]
#     gdpr: [Art.25, Art.32]
#     hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"]
#     pci-dss-4.0: ["7.2.1", "7.2.2"]
#   remediation: >-
#     ARM/Bicep: set `properties.enableRBAC: true` (or leave it out), ideally with `aadProfile`
#     (`managed: true`, `enableAzureRBAC: true`) and `disableLocalAccounts: true`. Terraform:
#     remove `role_based_access_control_enabled = false` (v2: `role_based_access_control {
#     enabled = true }`). An existing cluster must be recreated to turn RBAC on.
package rules.azure.aks.rbac

import rego.v1

import data.lib.azure
import data.lib.tenet

cluster := "Microsoft.ContainerService/managedClusters"

deny contains tenet.finding(r, msg, "properties.enableRBAC") if {
	some r in tenet.of_input_type(cluster)
	azure.bool_prop(r, "enableRBAC", true) == false
	msg := sprintf("AKS cluster %q sets enableRBAC to false: every authenticated identity is authorized for everything", [r.name])
}

deny contains tenet.finding(r, msg, "role_based_access_control_enabled") if {
	some r in tenet.of_input_type("azurerm_kubernetes_cluster")
	tenet.bool_attr(r, "role_based_access_control_enabled", true) == false
	msg := sprintf("azurerm_kubernetes_cluster %q sets role_based_access_control_enabled = false: every authenticated identity is authorized for everything", [r.name])
}

deny contains tenet.finding(r, msg, sprintf("role_based_access_control[%d].enabled", [i])) if {
	some r in tenet.of_input_type("azurerm_kubernetes_cluster")
	some i, block in tenet.blocks(tenet.attr(r, "role_based_access_control", []))
	not tenet.is_unknown(r, sprintf("role_based_access_control[%d].enabled", [i]))
	tenet.to_bool(tenet.get(block, "enabled", true)) == false
	msg := sprintf("azurerm_kubernetes_cluster %q disables role_based_access_control: every authenticated identity is authorized for everything", [r.name])
}

undetermined contains tenet.finding(r, msg, "properties.enableRBAC") if {
	some r in tenet.of_input_type(cluster)
	azure.prop_unknown(r, "enableRBAC")
	msg := sprintf("enableRBAC of AKS cluster %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type("azurerm_kubernetes_cluster")
	some key in ["role_based_access_control_enabled", "role_based_access_control"]
	tenet.is_unknown(r, key)
	msg := sprintf("%s of azurerm_kubernetes_cluster %q is not known before apply", [key, r.name])
}
