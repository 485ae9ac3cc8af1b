package rules.aws.ecr.immutable_tags_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ecr.immutable_tags as rule

test_mutable_and_default_fire if {
	count(rule.deny) == 3 with input as {"resources": [
		fixtures.resource("aws_ecr_repository", "a", {"image_tag_mutability": "MUTABLE"}),
		fixtures.resource("aws_ecr_repository", "b", {}),
		fixtures.resource("aws_ecr_repository", "c", {"image_tag_mutability": "MUTABLE_WITH_EXCLUSION"}),
	]}
}

test_immutable_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_ecr_repository", "a", {"image_tag_mutability": "IMMUTABLE"}),
		fixtures.resource("aws_ecr_repository", "b", {"image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"}),
	]}
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource("aws_ecr_repository", "a", {}), ["image_tag_mutability"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}
