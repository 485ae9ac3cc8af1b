package rules.azure.storage.min_tls_test

import rego.v1

import data.lib.fixtures
import data.rules.azure.storage.min_tls as rule

arm(props) := fixtures.arm_resource("Microsoft.Storage/storageAccounts", "st", "2023-05-01", props)

tf(attrs) := fixtures.resource("azurerm_storage_account", "st", attrs)

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
}

test_arm_old_versions_fire if {
	count(deny([arm({"minimumTlsVersion": "TLS1_0"})])) == 1
	count(deny([arm({"minimumTlsVersion": "TLS1_1"})])) == 1
}

test_arm_absent_fires if {
	some f in deny([arm({})])
	contains(f.message, "TLS 1.0")
}

test_arm_tls12_and_13_pass if {
	count(deny([arm({"minimumTlsVersion": "TLS1_2"}), arm({"minimumTlsVersion": "TLS1_3"})])) == 0
}

test_tf_old_version_fires_and_absent_passes if {
	some f in deny([tf({"min_tls_version": "TLS1_1"})])
	f.attribute == "min_tls_version"
	count(deny([tf({}), tf({"min_tls_version": "TLS1_2"})])) == 0
}

test_unknown_is_undetermined if {
	a := fixtures.with_unknown(arm({}), ["properties.minimumTlsVersion"])
	t := fixtures.with_unknown(tf({}), ["min_tls_version"])
	count(deny([a, t])) == 0
	count(undetermined([a, t])) == 2
}
