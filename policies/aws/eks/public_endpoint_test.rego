package rules.aws.eks.public_endpoint_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.eks.public_endpoint as rule

test_default_and_open_endpoints_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_eks_cluster", "a", {"vpc_config": [{"subnet_ids": ["subnet-1"]}]}),
		fixtures.resource("aws_eks_cluster", "b", {"vpc_config": [{"endpoint_public_access": true, "public_access_cidrs": ["10.0.0.0/8", "0.0.0.0/0"]}]}),
	]}
	count(findings) == 2
	{f.attribute | some f in findings} == {"vpc_config[0]", "vpc_config[0].public_access_cidrs"}
}

test_private_and_restricted_pass if {
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_eks_cluster", "a", {"vpc_config": [{"endpoint_public_access": false, "endpoint_private_access": true}]}),
		fixtures.resource("aws_eks_cluster", "b", {"vpc_config": [{"public_access_cidrs": ["203.0.113.0/24"]}]}),
	]}
}

test_unknown_cidrs_are_undetermined if {
	a := fixtures.with_unknown(fixtures.resource("aws_eks_cluster", "a", {"vpc_config": [{}]}), ["vpc_config[0].public_access_cidrs"])
	b := fixtures.with_unknown(fixtures.resource("aws_eks_cluster", "b", {"vpc_config": [{"endpoint_public_access": false}]}), ["vpc_config[0].public_access_cidrs"])
	count(rule.deny) == 0 with input as {"resources": [a, b]}
	count(rule.undetermined) == 1 with input as {"resources": [a, b]}
}
