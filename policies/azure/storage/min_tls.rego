# METADATA
# title: Storage accounts require TLS 1.2 or newer
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses and lack modern cipher suites; a storage account that
#   still accepts them lets a client (or an attacker who downgrades a connection) move data
#   over a protocol that PCI DSS and current guidance no longer accept. The ARM API documents
#   an absent `minimumTlsVersion` as TLS 1.0, so ARM, Bicep and live resources must state
#   TLS1_2 (or newer) themselves; Azure's retirement of TLS 1.0/1.1 for Storage is a platform
#   change the configuration should not silently rely on. The azurerm provider sends TLS1_2
#   when `min_tls_version` is absent (since provider v3.0; v2 sent TLS1_0), so only an explicit
#   older value is reported there.
# scope: package
# custom:
#   id: azure-storage-min-tls
#   check: tls-min-version
#   severity: medium
#   resource_types: [Microsoft.Storage/storageAccounts, azurerm_storage_account]
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     ARM/Bicep: set `properties.minimumTlsVersion: 'TLS1_2'`. Terraform: set
#     `min_tls_version = "TLS1_2"` (or remove an older value). Check first that no client
#     still connects with TLS 1.0 or 1.1 (storage logs record the TLS version of each request).
package rules.azure.storage.min_tls

import rego.v1

import data.lib.azure
import data.lib.tenet

weak := {"TLS1_0", "TLS1_1"}

deny contains tenet.finding(r, msg, "properties.minimumTlsVersion") if {
	some r in tenet.of_input_type("Microsoft.Storage/storageAccounts")
	v := azure.prop(r, "minimumTlsVersion", null)
	v == null
	msg := sprintf("storage account %q does not set minimumTlsVersion, which ARM interprets as TLS 1.0", [r.name])
}

deny contains tenet.finding(r, msg, "properties.minimumTlsVersion") if {
	some r in tenet.of_input_type("Microsoft.Storage/storageAccounts")
	v := azure.prop(r, "minimumTlsVersion", null)
	upper(sprintf("%v", [v])) in weak
	msg := sprintf("storage account %q accepts %v (minimumTlsVersion below TLS1_2)", [r.name, v])
}

deny contains tenet.finding(r, msg, "min_tls_version") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	v := tenet.attr(r, "min_tls_version", "TLS1_2")
	upper(sprintf("%v", [v])) in weak
	msg := sprintf("azurerm_storage_account %q accepts %v (min_tls_version below TLS1_2)", [r.name, v])
}

undetermined contains tenet.finding(r, msg, "properties.minimumTlsVersion") if {
	some r in tenet.of_input_type("Microsoft.Storage/storageAccounts")
	azure.prop_unknown(r, "minimumTlsVersion")
	msg := sprintf("minimumTlsVersion of storage account %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "min_tls_version") if {
	some r in tenet.of_input_type("azurerm_storage_account")
	tenet.is_unknown(r, "min_tls_version")
	msg := sprintf("min_tls_version of azurerm_storage_account %q is not known before apply", [r.name])
}
