package rules.gcp.compute.public_ip_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.compute.public_ip as rule

test_access_config_fires if {
	vm := fixtures.resource("google_compute_instance", "vm", {"network_interface": [{"network": "default", "access_config": [{}]}]})
	tpl := fixtures.resource("google_compute_instance_template", "tpl", {"network_interface": [{"network": "default", "ipv6_access_config": [{"network_tier": "PREMIUM"}]}]})
	findings := rule.deny with input as {"resources": [vm, tpl]}
	count(findings) == 2
	some f in findings
	f.attribute == "network_interface[0].access_config"
}

test_internal_only_passes if {
	vm := fixtures.resource("google_compute_instance", "vm", {"network_interface": [{"network": "default"}]})
	count(rule.deny) == 0 with input as {"resources": [vm]}
	count(rule.undetermined) == 0 with input as {"resources": [vm]}
}

test_unknown_access_config_is_undetermined if {
	vm := fixtures.with_unknown(fixtures.resource("google_compute_instance", "vm", {"network_interface": [{"network": "default"}]}), ["network_interface[0].access_config"])
	count(rule.deny) == 0 with input as {"resources": [vm]}
	count(rule.undetermined) == 1 with input as {"resources": [vm]}
}
