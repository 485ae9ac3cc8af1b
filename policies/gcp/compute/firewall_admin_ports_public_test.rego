package rules.gcp.compute.firewall_admin_ports_public_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.compute.firewall_admin_ports_public as rule

fw(name, attrs) := fixtures.resource("google_compute_firewall", name, object.union({"name": name, "network": "default"}, attrs))

test_ssh_and_rdp_from_internet_fire if {
	findings := rule.deny with input as {"resources": [
		fw("ssh", {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]}),
		fw("range", {"allow": [{"protocol": "tcp", "ports": ["3000-4000"]}], "source_ranges": ["::/0"]}),
		fw("nosource", {"allow": [{"protocol": "tcp", "ports": [22]}]}),
	]}
	count(findings) == 3
}

test_restricted_egress_disabled_and_all_ports_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fw("iap", {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["35.235.240.0/20"]}),
		fw("tags", {"allow": [{"protocol": "tcp", "ports": ["22"]}], "source_tags": ["bastion"]}),
		fw("egress", {"direction": "EGRESS", "allow": [{"protocol": "tcp", "ports": ["22"]}], "destination_ranges": ["0.0.0.0/0"]}),
		fw("disabled", {"disabled": true, "allow": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]}),
		fw("web", {"allow": [{"protocol": "tcp", "ports": ["80", "443"]}], "source_ranges": ["0.0.0.0/0"]}),
		fw("all", {"allow": [{"protocol": "all"}], "source_ranges": ["0.0.0.0/0"]}),
	]}
}

test_unknown_sources_are_undetermined if {
	r := fixtures.with_unknown(fw("u", {"allow": [{"protocol": "tcp", "ports": ["22"]}]}), ["source_ranges"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}

test_unknown_ports_are_undetermined if {
	r := fixtures.with_unknown(fw("u", {"allow": [{"protocol": "tcp"}], "source_ranges": ["0.0.0.0/0"]}), ["allow[0].ports"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}
