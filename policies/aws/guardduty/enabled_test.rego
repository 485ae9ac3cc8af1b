package rules.aws.guardduty.enabled_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.guardduty.enabled as rule

test_disabled_detector_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("aws_guardduty_detector", "d", {"enable": false})]}
}

test_enabled_and_default_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_guardduty_detector", "a", {"enable": true}),
		fixtures.resource("aws_guardduty_detector", "b", {}),
	]}
}

test_unknown_is_undetermined if {
	d := fixtures.with_unknown(fixtures.resource("aws_guardduty_detector", "d", {}), ["enable"])
	count(rule.deny) == 0 with input as {"resources": [d]}
	count(rule.undetermined) == 1 with input as {"resources": [d]}
}
