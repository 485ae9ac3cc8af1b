package rules.aws.config.recorder_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.config.recorder as rule

test_selected_types_and_stopped_status_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_config_configuration_recorder", "r", {"recording_group": [{"all_supported": false, "resource_types": ["AWS::EC2::Instance"]}]}),
		fixtures.resource("aws_config_configuration_recorder_status", "s", {"is_enabled": false}),
	]}
	{f.attribute | some f in findings} == {"recording_group[0].all_supported", "is_enabled"}
}

test_all_types_and_enabled_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_config_configuration_recorder", "a", {"recording_group": [{"all_supported": true}]}),
		fixtures.resource("aws_config_configuration_recorder", "b", {}),
		fixtures.resource("aws_config_configuration_recorder_status", "s", {"is_enabled": true}),
	]}
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_config_configuration_recorder", "r", {"recording_group": [{}]}), ["recording_group[0].all_supported"])
	s := fixtures.with_unknown(fixtures.resource("aws_config_configuration_recorder_status", "s", {}), ["is_enabled"])
	count(rule.deny) == 0 with input as {"resources": [r, s]}
	count(rule.undetermined) == 2 with input as {"resources": [r, s]}
}

test_exclusion_strategy_passes if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_config_configuration_recorder", "r", {"recording_group": [{
		"all_supported": false,
		"exclusion_by_resource_types": [{"resource_types": ["AWS::EC2::NetworkInterface"]}],
		"recording_strategy": [{"use_only": "EXCLUSION_BY_RESOURCE_TYPES"}],
	}]})]}
}
