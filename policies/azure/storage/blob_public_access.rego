# METADATA
# title: Storage accounts and blob containers do not allow anonymous public access
# description: >-
#   Anonymous (public) blob access lets anyone on the internet who knows or guesses a URL read
#   blobs, and with container-level access list them too, with no credential and no useful
#   audit trail; public containers are a common cause of cloud data leaks. Disallowing it on
#   the account overrides every container's setting. An absent `allowBlobPublicAccess` is
#   reported for ARM, Bicep and live resources: the service has interpreted it as allowed for
#   accounts created before the late-2023 change of default (newer ones get false), so only an
#   explicit false states the protection. The azurerm provider sends
#   `allow_nested_items_to_be_public = true` when the argument is absent (v3 and v4), so it must
#   be set to false; on provider v2, `allow_blob_public_access` defaulted to false. Containers
#   whose public access level is not None (`publicAccess` Blob or Container;
#   `container_access_type` blob or container) are reported as well.
# scope: package
# custom:
#   id: azure-storage-blob-public-access
#   check: object-storage-public
#   severity: high
#   resource_types:
#     - Microsoft.Storage/storageAccounts
#     - Microsoft.Storage/storageAccounts/blobServices/containers
#     - azurerm_storage_account
#     - azurerm_storage_container
#   controls:
#     soc2: [CC6.1, CC6.6]
#     iso27001-2022: [A.5.15, A.8.3]
#     gdpr: [Art.25(2), Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     ARM/Bicep: set `properties.allowBlobPublicAccess: false` on the storage account and
#     `properties.publicAccess: 'None'` on containers. Terraform: set
#     `allow_nested_items_to_be_public = false` (v2: `allow_blob_public_access = false`) and
#     `container_access_type = "private"`. Share data with SAS tokens or Entra ID roles instead.
package rules.azure.storage.blob_public_access

import rego.v1

import data.lib.azure
import data.lib.tenet

account := "Microsoft.Storage/storageAccounts"

container := "Microsoft.Storage/storageAccounts/blobServices/containers"

deny contains tenet.finding(r, msg, "properties.allowBlobPublicAccess") if {
	some r in tenet.of_input_type(account)
	azure.prop(r, "allowBlobPublicAccess", null) == null
	msg := sprintf("storage account %q does not set allowBlobPublicAccess to false: whether its containers can be made public depends on the account's age", [r.name])
}

deny contains tenet.finding(r, msg, "properties.allowBlobPublicAccess") if {
	some r in tenet.of_input_type(account)
	azure.bool_prop(r, "allowBlobPublicAccess", null) == true
	msg := sprintf("storage account %q allows anonymous public access to its blobs (allowBlobPublicAccess is true)", [r.name])
}

deny contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type("azurerm_storage_account")
	some key in tf_keys
	tenet.bool_attr(r, key, null) == true
	msg := sprintf("azurerm_storage_account %q allows anonymous public access to its blobs (%s = true)", [r.name, key])
}

deny contains tenet.finding(r, msg, "allow_nested_items_to_be_public") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	every key in tf_keys {
		tenet.attr(r, key, null) == null
	}
	msg := sprintf("azurerm_storage_account %q does not set allow_nested_items_to_be_public, which the provider then sends as true: anonymous public access is allowed", [r.name])
}

deny contains tenet.finding(r, msg, "properties.publicAccess") if {
	some r in tenet.of_input_type(container)
	level := azure.prop(r, "publicAccess", "None")
	lower(sprintf("%v", [level])) != "none"
	msg := sprintf("blob container %q allows anonymous public access (publicAccess %v)", [r.name, level])
}

deny contains tenet.finding(r, msg, "container_access_type") if {
	some r in tenet.of_input_type("azurerm_storage_container")
	level := tenet.attr(r, "container_access_type", "private")
	lower(sprintf("%v", [level])) != "private"
	msg := sprintf("azurerm_storage_container %q allows anonymous public access (container_access_type %q)", [r.name, level])
}

undetermined contains tenet.finding(r, msg, "properties.allowBlobPublicAccess") if {
	some r in tenet.of_input_type(account)
	azure.prop_unknown(r, "allowBlobPublicAccess")
	msg := sprintf("allowBlobPublicAccess of storage account %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type("azurerm_storage_account")
	some key in tf_keys
	tenet.is_unknown(r, key)
	msg := sprintf("%s of azurerm_storage_account %q is not known before apply", [key, r.name])
}

undetermined contains tenet.finding(r, msg, "properties.publicAccess") if {
	some r in tenet.of_input_type(container)
	azure.prop_unknown(r, "publicAccess")
	msg := sprintf("publicAccess of blob container %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "container_access_type") if {
	some r in tenet.of_input_type("azurerm_storage_container")
	tenet.is_unknown(r, "container_access_type")
	msg := sprintf("container_access_type of azurerm_storage_container %q is not known before apply", [r.name])
}

# v3/v4 name first, then the v2 name.
tf_keys := ["allow_nested_items_to_be_public", "allow_blob_public_access"]
