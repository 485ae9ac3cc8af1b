package rules.azure.appservice.https_only_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.appservice.https_only as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

site(props) := fixtures.arm_resource("Microsoft.Web/sites", "app", "2023-12-01", props)

test_arm if {
	some f in deny([site({})])
	f.attribute == "properties.httpsOnly"
	count(deny([site({"httpsOnly": false})])) == 1
	count(deny([fixtures.arm_resource("Microsoft.Web/sites/slots", "app/staging", "2023-12-01", {})])) == 1
	count(deny([site({"httpsOnly": true})])) == 0
}

test_tf if {
	some f in deny([fixtures.resource("azurerm_linux_web_app", "web", {})])
	f.attribute == "https_only"
	count(deny([fixtures.resource("azurerm_windows_function_app", "fn", {"https_only": false})])) == 1
	count(deny([fixtures.resource("azurerm_linux_function_app", "fn", {"https_only": true})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(site({}), ["properties.httpsOnly"])
	t := fixtures.with_unknown(fixtures.resource("azurerm_app_service", "old", {}), ["https_only"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
