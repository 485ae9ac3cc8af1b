package rules.aws.ec2.imdsv2_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.imdsv2 as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_missing_and_optional_tokens_fire if {
	findings := deny([
		fixtures.resource("aws_instance", "none", {"ami": "ami-1"}),
		fixtures.resource("aws_launch_template", "opt", {"metadata_options": [{"http_tokens": "optional"}]}),
		fixtures.resource("aws_launch_configuration", "unset", {"metadata_options": [{"http_endpoint": "enabled"}]}),
	])
	count(findings) == 3
	some f in findings
	f.attribute == "metadata_options[0].http_tokens"
}

test_required_and_disabled_pass if {
	count(deny([
		fixtures.resource("aws_instance", "a", {"metadata_options": [{"http_tokens": "required"}]}),
		fixtures.resource("aws_launch_template", "b", {"metadata_options": [{"http_endpoint": "disabled"}]}),
	])) == 0
}

test_instance_from_template_defers_to_template if {
	count(deny([fixtures.resource("aws_instance", "i", {"launch_template": [{"id": "lt-1"}]})])) == 0
}

test_account_default_covers_unset_options if {
	d := fixtures.resource("aws_ec2_instance_metadata_defaults", "d", {"http_tokens": "required"})
	count(deny([d, fixtures.resource("aws_instance", "i", {})])) == 0
	count(deny([d, fixtures.resource("aws_instance", "j", {"metadata_options": [{"http_put_response_hop_limit": 1}]})])) == 0
	count(deny([d, fixtures.resource("aws_instance", "k", {"metadata_options": [{"http_tokens": "optional"}]})])) == 1
}

test_unknown_values_are_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_instance", "a", {"metadata_options": [{}]}), ["metadata_options[0].http_tokens"])
	b := fixtures.with_unknown(fixtures.resource("aws_launch_template", "b", {}), ["metadata_options"])
	d := fixtures.with_unknown(fixtures.resource("aws_ec2_instance_metadata_defaults", "d", {}), ["http_tokens"])
	c := fixtures.resource("aws_instance", "c", {})
	count(deny([a, b, c, d])) == 0
	count(undetermined([a, b, c, d])) == 3
}

