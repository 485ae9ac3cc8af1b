# METADATA
# title: App Service and Function apps accept HTTPS only
# description: >-
#   An app that still answers plain HTTP sends session cookies, tokens and form data in clear
#   text to anyone on the path, and lets an attacker strip a client down from HTTPS. App
#   Service serves both until `httpsOnly` is true, which then redirects every HTTP request to
#   HTTPS. The ARM API and every azurerm app resource default it to false, so a web app,
#   function app, logic app (Standard) or deployment slot is reported unless it sets
#   `httpsOnly: true` (Terraform `https_only = true`).
# scope: package
# custom:
#   id: azure-app-https-only
#   check: tls-enforced
#   severity: high
#   resource_types:
#     - Microsoft.Web/sites
#     - Microsoft.Web/sites/slots
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
#     ARM/Bicep: set `properties.httpsOnly: true` on the site (and on each slot). Terraform:
#     set `https_only = true`.
package rules.azure.appservice.https_only

import rego.v1

import data.lib.azure
import data.lib.tenet

arm_types := {"Microsoft.Web/sites": "app", "Microsoft.Web/sites/slots": "deployment slot"}

tf_types := [
	"azurerm_linux_web_app", "azurerm_windows_web_app",
	"azurerm_linux_function_app", "azurerm_windows_function_app",
	"azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot",
	"azurerm_linux_function_app_slot", "azurerm_windows_function_app_slot",
	"azurerm_app_service", "azurerm_app_service_slot",
	"azurerm_function_app", "azurerm_function_app_slot",
	"azurerm_logic_app_standard",
]

deny contains tenet.finding(r, msg, "properties.httpsOnly") if {
	some t, label in arm_types
	some r in tenet.of_input_type(t)
	azure.bool_prop(r, "httpsOnly", false) == false
	msg := sprintf("%s %q does not set httpsOnly to true: it serves plain HTTP", [label, r.name])
}

deny contains tenet.finding(r, msg, "https_only") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	tenet.bool_attr(r, "https_only", false) == false
	msg := sprintf("%s %q does not set https_only = true: it serves plain HTTP", [t, r.name])
}

undetermined contains tenet.finding(r, msg, "properties.httpsOnly") if {
	some t, label in arm_types
	some r in tenet.of_input_type(t)
	azure.prop_unknown(r, "httpsOnly")
	msg := sprintf("httpsOnly of %s %q is not known before deployment", [label, r.name])
}

undetermined contains tenet.finding(r, msg, "https_only") if {
	some t in tf_types
	some r in tenet.of_input_type(t)
	tenet.is_unknown(r, "https_only")
	msg := sprintf("https_only of %s %q is not known before apply", [t, r.name])
}
