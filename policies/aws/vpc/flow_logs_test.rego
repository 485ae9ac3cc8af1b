package rules.aws.vpc.flow_logs_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.vpc.flow_logs as rule

vpc := fixtures.resource("aws_vpc", "main", {"cidr_block": "10.0.0.0/16"})

deny(resources) := result if {
	result := rule.deny with input as {"resources": [vpc]}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": [vpc]}
		with data.inventory as fixtures.inventory(resources)
}

test_vpc_without_flow_log_fires if {
	some f in deny([vpc])
	f.resource_id == vpc.id
}

test_flow_log_referring_to_vpc_passes if {
	fl := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_flow_log", "f", {"traffic_type": "ALL"}), [["vpc_id", vpc]]), ["vpc_id"])
	count(deny([vpc, fl])) == 0
	count(undetermined([vpc, fl])) == 0
}

test_flow_log_of_a_subnet_does_not_cover_the_vpc if {
	fl := fixtures.resource("aws_flow_log", "f", {"subnet_id": "subnet-1"})
	count(deny([vpc, fl])) == 1
}

test_flow_log_with_unknown_target_is_undetermined if {
	fl := fixtures.with_unknown(fixtures.resource("aws_flow_log", "f", {}), ["vpc_id"])
	count(deny([vpc, fl])) == 0
	count(undetermined([vpc, fl])) == 1
}

test_flow_log_that_may_not_exist_is_undetermined if {
	fl := fixtures.with_unknown(fixtures.with_refs(fixtures.resource("aws_flow_log", "f", {}), [["vpc_id", vpc]]), ["count", "vpc_id"])
	count(deny([vpc, fl])) == 0
	count(undetermined([vpc, fl])) == 1
}

test_flow_log_with_conditional_target_is_undetermined if {
	fl := fixtures.with_unknown(fixtures.with_indirect_refs(fixtures.resource("aws_flow_log", "f", {}), [["vpc_id", vpc]]), ["vpc_id"])
	count(deny([vpc, fl])) == 0
	count(undetermined([vpc, fl])) == 1
}
