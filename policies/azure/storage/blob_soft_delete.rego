# METADATA
# title: Storage accounts can recover deleted or overwritten blobs
# description: >-
#   Without blob soft delete or versioning, a deleted container's blobs, an overwritten file or
#   a ransomware-encrypted object is gone the moment the request succeeds; a mistaken script or
#   a stolen key destroys data with no way back. Accounts created through ARM, Bicep or
#   Terraform have neither unless the blob service enables one, so an account is reported when
#   its blob service settings (`Microsoft.Storage/storageAccounts/blobServices`, found as a
#   child of the account; Terraform `blob_properties`) enable neither
#   `deleteRetentionPolicy` (`delete_retention_policy`) nor `isVersioningEnabled`
#   (`versioning_enabled`), or when no blob service settings are declared. FileStorage accounts
#   hold no blobs and are skipped; settings applied outside the template are not seen.
# scope: package
# custom:
#   id: azure-storage-blob-soft-delete
#   check: object-versioning
#   severity: medium
#   resource_types:
#     - Microsoft.Storage/storageAccounts
#     - Microsoft.Storage/storageAccounts/blobServices
#     - azurerm_storage_account
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.13]
#     gdpr: [Art.32(1)(c)]
#     hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"]
#     pci-dss-4.0: []
#   remediation: >-
#     ARM/Bicep: add a `blobServices` child named `default` with
#     `deleteRetentionPolicy: { enabled: true, days: 14 }` (and `isVersioningEnabled: true`,
#     `containerDeleteRetentionPolicy`). Terraform: add `blob_properties {
#     delete_retention_policy { days = 14 } versioning_enabled = true }`.
package rules.azure.storage.blob_soft_delete

import rego.v1

import data.lib.azure
import data.lib.tenet

account := "Microsoft.Storage/storageAccounts"

blob_service := "Microsoft.Storage/storageAccounts/blobServices"

# --- ARM ---------------------------------------------------------------------------------

arm_accounts contains r if {
	some r in tenet.of_input_type(account)
	not tenet.is_unknown(r, "kind")
	lower(sprintf("%v", [object.get(r.attributes, "kind", "StorageV2")])) != "filestorage"
}

deny contains tenet.finding(r, msg, "") if {
	some r in arm_accounts
	count(azure.children(r, blob_service)) == 0
	not azure.unresolved_child(r, blob_service)
	msg := sprintf("storage account %q declares no blob service settings: blob soft delete and versioning are off", [r.name])
}

undetermined contains tenet.finding(r, msg, "") if {
	some r in arm_accounts
	count(azure.children(r, blob_service)) == 0
	azure.unresolved_child(r, blob_service)
	msg := sprintf("blob service settings in this template may belong to storage account %q, but which account they configure (or whether they exist) is not known before deployment", [r.name])
}

deny contains tenet.finding(r, msg, "properties.deleteRetentionPolicy") if {
	some r in tenet.of_input_type(blob_service)
	not arm_protected(r)
	not arm_undecided(r)
	msg := sprintf("blob service %q enables neither deleteRetentionPolicy nor isVersioningEnabled: deleted or overwritten blobs cannot be recovered", [r.name])
}

undetermined contains tenet.finding(r, msg, "properties.deleteRetentionPolicy") if {
	some r in tenet.of_input_type(blob_service)
	not arm_protected(r)
	arm_undecided(r)
	msg := sprintf("whether blob service %q keeps deleted blobs depends on values not known before deployment", [r.name])
}

arm_protected(r) if tenet.to_bool(object.get(r.attributes, ["properties", "deleteRetentionPolicy", "enabled"], false)) == true

arm_protected(r) if azure.bool_prop(r, "isVersioningEnabled", false) == true

arm_undecided(r) if tenet.is_unknown(r, "properties.deleteRetentionPolicy.enabled")

arm_undecided(r) if azure.prop_unknown(r, "isVersioningEnabled")

# --- Terraform ---------------------------------------------------------------------------

deny contains tenet.finding(r, msg, "blob_properties") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	tf_has_blobs(r)
	not tf_protected(r)
	not tenet.is_unknown(r, "blob_properties")
	msg := sprintf("azurerm_storage_account %q has no blob_properties with delete_retention_policy or versioning_enabled: deleted or overwritten blobs cannot be recovered", [r.name])
}

undetermined contains tenet.finding(r, msg, "blob_properties") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	not tenet.is_unknown(r, "account_kind")
	tf_has_blobs(r)
	not tf_protected(r)
	tenet.is_unknown(r, "blob_properties")
	msg := sprintf("blob_properties of azurerm_storage_account %q is not known before apply", [r.name])
}

tf_has_blobs(r) if lower(sprintf("%v", [tenet.attr(r, "account_kind", "StorageV2")])) != "filestorage"

tf_protected(r) if {
	some bp in tenet.blocks(object.get(r.attributes, "blob_properties", []))
	is_object(bp)
	some p in tenet.blocks(object.get(bp, "delete_retention_policy", []))
	is_object(p)
}

tf_protected(r) if {
	some bp in tenet.blocks(object.get(r.attributes, "blob_properties", []))
	is_object(bp)
	tenet.to_bool(object.get(bp, "versioning_enabled", false)) == true
}
