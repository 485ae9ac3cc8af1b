package rules.gcp.compute.firewall_all_ports_public_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.compute.firewall_all_ports_public as rule

fw(name, attrs) := fixtures.resource("google_compute_firewall", name, object.union({"name": name, "network": "default"}, attrs))

test_all_ports_from_internet_fire if {
	findings := rule.deny with input as {"resources": [
		fw("all", {"allow": [{"protocol": "all"}], "source_ranges": ["0.0.0.0/0"]}),
		fw("tcp", {"allow": [{"protocol": "tcp"}], "source_ranges": ["0.0.0.0/0"]}),
		fw("range", {"allow": [{"protocol": "udp", "ports": ["0-65535"]}], "source_ranges": ["::/0"]}),
	]}
	count(findings) == 3
}

test_limited_ports_or_private_sources_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fw("web", {"allow": [{"protocol": "tcp", "ports": ["443"]}], "source_ranges": ["0.0.0.0/0"]}),
		fw("icmp", {"allow": [{"protocol": "icmp"}], "source_ranges": ["0.0.0.0/0"]}),
		fw("internal", {"allow": [{"protocol": "all"}], "source_ranges": ["10.0.0.0/8"]}),
	]}
}

test_unknown_sources_are_undetermined if {
	r := fixtures.with_unknown(fw("u", {"allow": [{"protocol": "all"}]}), ["source_ranges[0]"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_unknown_sources_with_limited_ports_pass if {
	r := fixtures.with_unknown(fw("u", {"allow": [{"protocol": "tcp", "ports": ["443"]}]}), ["source_ranges"])
	count(rule.undetermined) == 0 with input as {"resources": [r]}
}
