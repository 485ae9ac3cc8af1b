# METADATA
# title: Storage accounts accept only encrypted (HTTPS) connections
# description: >-
#   With secure transfer off, a storage account also answers plain HTTP and unencrypted SMB, so
#   data, shared-key signatures and SAS tokens can cross the network in clear text and be read
#   or altered on the way. Requiring secure transfer rejects those requests. Since ARM API
#   version 2019-04-01 an absent `supportsHttpsTrafficOnly` means true, so it is reported only
#   when false or absent under an older API version; the azurerm provider also defaults to true
#   (`https_traffic_only_enabled` in v4, `enable_https_traffic_only` in v2 and v3).
# scope: package
# custom:
#   id: azure-storage-https-only
#   check: tls-enforced
#   severity: high
#   resource_types: [Microsoft.Storage/storageAccounts, azurerm_storage_account]
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     ARM/Bicep: set `properties.supportsHttpsTrafficOnly: true` (or leave it out with an
#     apiVersion of 2019-04-01 or later). Terraform: remove `https_traffic_only_enabled = false`
#     (v4) or `enable_https_traffic_only = false` (v3), or set it to true.
package rules.azure.storage.https_only

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_type := "Microsoft.Storage/storageAccounts"

tf_type := "azurerm_storage_account"

# Both spellings of the azurerm argument (v4 renamed it).
tf_keys := ["https_traffic_only_enabled", "enable_https_traffic_only"]

# API versions before this one default supportsHttpsTrafficOnly to false.
secure_default_since := "2019-04-01"

deny contains tenet.finding(r, msg, "properties.supportsHttpsTrafficOnly") if {
	some r in tenet.of_input_type(arm_type)
	azure.bool_prop(r, "supportsHttpsTrafficOnly", null) == false
	msg := sprintf("storage account %q sets supportsHttpsTrafficOnly to false: it accepts plain HTTP", [r.name])
}

deny contains tenet.finding(r, msg, "apiVersion") if {
	some r in tenet.of_input_type(arm_type)
	azure.prop(r, "supportsHttpsTrafficOnly", null) == null
	azure.api_older_than(r, secure_default_since)
	msg := sprintf("storage account %q leaves supportsHttpsTrafficOnly unset with API version %s, which defaults it to false (true only since %s)", [r.name, azure.api_version(r), secure_default_since])
}

deny contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type(tf_type)
	some key in tf_keys
	tenet.bool_attr(r, key, true) == false
	msg := sprintf("azurerm_storage_account %q sets %s = false: it accepts plain HTTP", [r.name, key])
}

undetermined contains tenet.finding(r, msg, "properties.supportsHttpsTrafficOnly") if {
	some r in tenet.of_input_type(arm_type)
	azure.prop_unknown(r, "supportsHttpsTrafficOnly")
	msg := sprintf("supportsHttpsTrafficOnly of storage account %q is not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, "apiVersion") if {
	some r in tenet.of_input_type(arm_type)
	azure.prop(r, "supportsHttpsTrafficOnly", null) == null
	tenet.is_unknown(r, "apiVersion")
	msg := sprintf("storage account %q leaves supportsHttpsTrafficOnly to its default, which depends on an API version not known before deployment", [r.name])
}

undetermined contains tenet.finding(r, msg, key) if {
	some r in tenet.of_input_type(tf_type)
	some key in tf_keys
	tenet.is_unknown(r, key)
	msg := sprintf("%s of azurerm_storage_account %q is not known before apply", [key, r.name])
}
