# METADATA
# title: Storage accounts replicate beyond a single datacenter
# description: >-
#   Locally redundant storage (LRS) keeps all three copies of the data in one datacenter: a
#   fire, flood, power or network failure there makes the account unavailable, and can lose
#   it. Zone- or geo-redundant replication (ZRS, GRS, RA-GRS, GZRS, RA-GZRS) keeps the data
#   readable through the loss of a datacenter or a region. An account whose SKU is
#   Standard_LRS or Premium_LRS (Terraform `account_replication_type = "LRS"`) is reported.
#   Data that can be rebuilt from elsewhere may accept LRS deliberately; regions without
#   availability zones offer no ZRS.
# scope: package
# custom:
#   id: azure-storage-redundancy
#   check: high-availability
#   severity: low
#   resource_types: [Microsoft.Storage/storageAccounts, azurerm_storage_account]
#   controls:
#     soc2: [A1.2]
#     iso27001-2022: [A.8.14]
#     gdpr: [Art.32(1)(b)]
#     hipaa: ["164.308(a)(7)(ii)(B)"]
#     pci-dss-4.0: []
#   remediation: >-
#     ARM/Bicep: set `sku.name` to Standard_ZRS, Standard_GZRS or Standard_RAGZRS (or
#     Standard_GRS/RAGRS; Premium_ZRS for premium accounts). Terraform: set
#     `account_replication_type` to "ZRS", "GZRS", "RAGZRS", "GRS" or "RAGRS".
package rules.azure.storage.redundancy

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "sku.name") if {
	some r in tenet.of_input_type("Microsoft.Storage/storageAccounts")
	not tenet.is_unknown(r, "sku.name")
	v := object.get(r.attributes, ["sku", "name"], null)
	endswith(lower(sprintf("%v", [v])), "_lrs")
	msg := sprintf("storage account %q uses %v: every copy of its data is in one datacenter", [r.name, v])
}

deny contains tenet.finding(r, msg, "account_replication_type") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	v := tenet.attr(r, "account_replication_type", null)
	upper(sprintf("%v", [v])) == "LRS"
	msg := sprintf("azurerm_storage_account %q uses LRS replication: every copy of its data is in one datacenter", [r.name])
}

undetermined contains tenet.finding(r, msg, "sku.name") if {
	some r in tenet.of_input_type("Microsoft.Storage/storageAccounts")
	tenet.is_unknown(r, "sku.name")
	msg := sprintf("the SKU (replication) of storage account %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "account_replication_type") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	tenet.is_unknown(r, "account_replication_type")
	msg := sprintf("account_replication_type of azurerm_storage_account %q is not known before apply", [r.name])
}
