package rules.aws.ecr.scan_on_push_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ecr.scan_on_push as rule

deny(batch, resources) := result if {
	result := rule.deny with input as {"resources": batch}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(batch, resources) := result if {
	result := rule.undetermined with input as {"resources": batch}
		with data.inventory as fixtures.inventory(resources)
}

repo := fixtures.resource("aws_ecr_repository", "api", {"name": "prod-api"})

test_repository_without_scanning_fires if {
	count(deny([repo], [repo])) == 1
	off := fixtures.resource("aws_ecr_repository", "off", {"name": "x", "image_scanning_configuration": [{"scan_on_push": false}]})
	count(deny([off], [off])) == 1
}

test_scan_on_push_passes if {
	r := fixtures.resource("aws_ecr_repository", "r", {"name": "x", "image_scanning_configuration": [{"scan_on_push": true}]})
	count(deny([r], [r])) == 0
}

test_matching_registry_rule_passes_other_filters_do_not if {
	reg := fixtures.resource("aws_ecr_registry_scanning_configuration", "reg", {"scan_type": "ENHANCED", "rule": [{
		"scan_frequency": "CONTINUOUS_SCAN",
		"repository_filter": [{"filter": "prod-*", "filter_type": "WILDCARD"}],
	}]})
	dev := fixtures.resource("aws_ecr_repository", "dev", {"name": "dev-api"})
	count(deny([repo], [repo, reg])) == 0
	count(deny([dev], [dev, reg])) == 1
}

test_unknown_values_are_undetermined if {
	reg := fixtures.with_unknown(fixtures.resource("aws_ecr_registry_scanning_configuration", "reg", {"scan_type": "BASIC"}), ["rule"])
	count(deny([repo], [repo, reg])) == 0
	count(undetermined([repo], [repo, reg])) == 1
	r := fixtures.with_unknown(fixtures.resource("aws_ecr_repository", "r", {"name": "x"}), ["image_scanning_configuration"])
	count(deny([r], [r])) == 0
	count(undetermined([r], [r])) == 1
}
