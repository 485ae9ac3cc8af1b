package rules.aws.eks.secrets_encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.eks.secrets_encryption as rule

test_cluster_without_encryption_config_fires if {
	count(rule.deny) == 1 with input as {"resources": [fixtures.resource("aws_eks_cluster", "c", {"name": "c"})]}
}

test_secrets_encryption_passes if {
	c := fixtures.with_unknown(
		fixtures.resource("aws_eks_cluster", "c", {"encryption_config": [{"resources": ["secrets"], "provider": [{}]}]}),
		["encryption_config[0].provider[0].key_arn"],
	)
	count(rule.deny) == 0 with input as {"resources": [c]}
	count(rule.undetermined) == 0 with input as {"resources": [c]}
}

test_unknown_resources_are_undetermined if {
	c := fixtures.with_unknown(fixtures.resource("aws_eks_cluster", "c", {"encryption_config": [{"resources": [null]}]}), ["encryption_config[0].resources[0]"])
	d := fixtures.with_unknown(fixtures.resource("aws_eks_cluster", "d", {}), ["encryption_config"])
	count(rule.deny) == 0 with input as {"resources": [c, d]}
	count(rule.undetermined) == 2 with input as {"resources": [c, d]}
}
