# METADATA
# title: App Service and Function apps require TLS 1.2 or newer
# description: >-
#   TLS 1.0 and 1.1 have known weaknesses; an app that still accepts them lets a client, or an
#   attacker who downgrades the connection, exchange credentials and data over a protocol PCI
#   DSS and current guidance no longer accept. App Service defaults the minimum to 1.2 for the
#   site and for its SCM (Kudu, deployment) endpoint, so only an explicit older value is
#   reported: `siteConfig.minTlsVersion` or `scmMinTlsVersion` of a site or slot, the same in a
#   `config` child named `web`, or `minimum_tls_version`/`scm_minimum_tls_version` (older
#   resources: `min_tls_version`/`scm_min_tls_version`) in a Terraform `site_config` block.
# scope: package
# custom:
#   id: azure-app-min-tls
#   check: tls-min-version
#   severity: medium
#   resource_types:
#     - Microsoft.Web/sites
#     - Microsoft.Web/sites/slots
#     - Microsoft.Web/sites/config
#     - Microsoft.Web/sites/slots/config
#     - azurerm_linux_web_app
#     - azurerm_windows_web_app
#     - azurerm_linux_function_app
#     - azurerm_windows_function_app
#     - azurerm_linux_web_app_slot
#     - azurerm_windows_web_app_slot
#     - azurerm_linux_function_app_slot
#     - azurerm_windows_function_app_slot
#     - azurerm_app_service
#     - azurerm_app_service_slot
#     - azurerm_function_app
#     - azurerm_function_app_slot
#     - azurerm_logic_app_standard
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     ARM/Bicep: set `siteConfig.minTlsVersion` and `siteConfig.scmMinTlsVersion` to '1.2' (or
#     remove the older value). Terraform: set `minimum_tls_version` and
#     `scm_minimum_tls_version` in `site_config` to "1.2" (or remove them).
package rules.azure.appservice.min_tls

import rego.v1

import data.lib.azure
import data.lib.tenet

weak := {"1.0", "1.1"}

arm_sites := ["Microsoft.Web/sites", "Microsoft.Web/sites/slots"]

arm_configs := ["Microsoft.Web/sites/config", "Microsoft.Web/sites/slots/config"]

arm_keys := ["minTlsVersion", "scmMinTlsVersion"]

tf_types := [
	"azurerm_linux_web_app", "azurerm_windows_web_app",
	"azurerm_linux_function_app", "azurerm_windows_function_app",
	"azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
	"azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
	"azurerm_app_service", "azurerm_app_service_slot",
	"azurerm_function_app", "azurerm_function_app_slot",
	"azurerm_logic_app_standard",
]

tf_keys := ["minimum_tls_version", "scm_minimum_tls_version", "min_tls_version", "scm_min_tls_version"]

# [resource, path of the settings object, settings object, its key names] for every place a site's TLS
# minimum can be set.
settings contains [r, "properties.siteConfig", object.get(object.get(r.attributes, "properties", {}), "siteConfig", {}), arm_keys] if {
	some t in arm_sites
	some r in tenet.of_input_type(t)
}

settings contains [r, "properties", object.get(r.attributes, "properties", {}), arm_keys] if {
	some t in arm_configs
	some r in tenet.of_input_type(t)
	azure.leaf_name(r) == "web"
}

settings contains [r, sprintf("site_config[%d]", [i]), block, tf_keys] if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	some i, block in tenet.blocks(tenet.attr(r, "site_config", []))
	is_object(block)
}

deny contains tenet.finding(r, msg, path) if {
	some [r, base, obj, keys] in settings
	some key in keys
	v := tenet.get(obj, key, null)
	trim_space(sprintf("%v", [v])) in weak
	path := concat(".", [base, key])
	not tenet.is_unknown(r, path)
	msg := sprintf("%s %q sets %s %v: clients may connect with TLS below 1.2", [r.type, r.name, key, v])
}

undetermined contains tenet.finding(r, msg, path) if {
	some [r, base, _, keys] in settings
	some key in keys
	path := concat(".", [base, key])
	tenet.is_unknown(r, path)
	msg := sprintf("%s of %s %q is not known before deployment", [key, r.type, r.name])
}

undetermined contains tenet.finding(r, msg, "site_config") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	"site_config" in r.unknown
	msg := sprintf("site_config of %s %q is not known before apply", [t, r.name])
}

undetermined contains tenet.finding(r, msg, "name") if {
	some t in arm_configs
	some r in tenet.of_input_type(t)
	tenet.is_unknown(r, "name")
	some key in arm_keys
	trim_space(sprintf("%v", [azure.prop(r, key, "")])) in weak
	msg := sprintf("%s %q sets %s below 1.2, and whether it is the site's web configuration is not known before deployment", [t, r.name, key])
}
