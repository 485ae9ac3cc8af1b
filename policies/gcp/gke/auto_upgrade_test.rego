package rules.gcp.gke.auto_upgrade_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.gke.auto_upgrade as rule

test_auto_upgrade_off_fires if {
	pool := fixtures.resource("google_container_node_pool", "p", {"cluster": "c", "management": [{"auto_repair": true, "auto_upgrade": false}]})
	cluster := fixtures.resource("google_container_cluster", "c", {"node_pool": [{"name": "default", "management": [{"auto_upgrade": false}]}]})
	findings := rule.deny with input as {"resources": [pool, cluster]}
	count(findings) == 2
	some f in findings
	f.attribute == "node_pool[0].management[0].auto_upgrade"
}

test_default_and_on_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("google_container_node_pool", "default", {"cluster": "c"}),
		fixtures.resource("google_container_node_pool", "on", {"cluster": "c", "management": [{"auto_upgrade": true}]}),
		fixtures.resource("google_container_cluster", "c", {"node_pool": [{"name": "x"}]}),
	]}
}

test_unknown_is_undetermined if {
	p := fixtures.with_unknown(fixtures.resource("google_container_node_pool", "p", {"management": [{}]}), ["management[0].auto_upgrade"])
	count(rule.deny) == 0 with input as {"resources": [p]}
	count(rule.undetermined) == 1 with input as {"resources": [p]}
}
