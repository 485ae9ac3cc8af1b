package rules.azure.appservice.min_tls_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.appservice.min_tls as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

site(config) := fixtures.arm_resource("Microsoft.Web/sites", "app", "2023-12-01", {"httpsOnly": true, "siteConfig": config})

test_arm_site_config_fires if {
	some f in deny([site({"minTlsVersion": "1.0"})])
	f.attribute == "properties.siteConfig.minTlsVersion"
	count(deny([site({"minTlsVersion": "1.2", "scmMinTlsVersion": "1.1"})])) == 1
}

test_arm_config_child_fires if {
	c := fixtures.arm_resource("Microsoft.Web/sites/config", "app/web", "2023-12-01", {"minTlsVersion": "1.1"})
	some f in deny([c])
	f.attribute == "properties.minTlsVersion"
	other := fixtures.arm_resource("Microsoft.Web/sites/config", "app/appsettings", "2023-12-01", {"minTlsVersion": "1.1"})
	count(deny([other])) == 0
}

test_arm_default_and_modern_pass if {
	count(deny([site({}), site({"minTlsVersion": "1.2", "scmMinTlsVersion": "1.3"}), fixtures.arm_resource("Microsoft.Web/sites", "bare", "2023-12-01", {})])) == 0
}

test_tf if {
	some f in deny([fixtures.resource("azurerm_linux_web_app", "web", {"site_config": [{"minimum_tls_version": "1.1"}]})])
	f.attribute == "site_config[0].minimum_tls_version"
	count(deny([fixtures.resource("azurerm_app_service", "old", {"site_config": [{"min_tls_version": "1.0"}]})])) == 1
	count(deny([fixtures.resource("azurerm_linux_web_app", "web", {"site_config": [{}]}), fixtures.resource("azurerm_windows_function_app", "fn", {"site_config": [{"minimum_tls_version": "1.2"}]})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(site({}), ["properties.siteConfig.minTlsVersion"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_linux_web_app", "web", {"site_config": [{}]}), ["site_config[0].minimum_tls_version"])
	d := fixtures.with_unknown(fixtures.resource("azurerm_linux_web_app", "dyn", {}), ["site_config"])
	w := fixtures.with_unknown(fixtures.arm_resource("Microsoft.Web/sites", "whole", "2023-12-01", {}), ["properties.siteConfig"])
	count(deny([a, t, d, w])) == 0
	count(undetermined([a, t, d, w])) == 5
}
