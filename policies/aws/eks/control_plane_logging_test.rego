package rules.aws.eks.control_plane_logging_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.eks.control_plane_logging as rule

test_missing_audit_log_fires if {
	count(rule.deny) == 2 with input as {"resources": [
		fixtures.resource("aws_eks_cluster", "a", {}),
		fixtures.resource("aws_eks_cluster", "b", {"enabled_cluster_log_types": ["api", "authenticator"]}),
	]}
}

test_audit_log_passes if {
	count(rule.deny) == 0 with input as {"resources": [fixtures.resource("aws_eks_cluster", "a", {"enabled_cluster_log_types": ["api", "audit"]})]}
}

test_unknown_types_are_undetermined_unless_audit_is_known if {
	a := fixtures.with_unknown(fixtures.resource("aws_eks_cluster", "a", {"enabled_cluster_log_types": ["api", null]}), ["enabled_cluster_log_types[1]"])
	b := fixtures.with_unknown(fixtures.resource("aws_eks_cluster", "b", {"enabled_cluster_log_types": ["audit", null]}), ["enabled_cluster_log_types[1]"])
	count(rule.deny) == 0 with input as {"resources": [a, b]}
	count(rule.undetermined) == 1 with input as {"resources": [a, b]}
}
