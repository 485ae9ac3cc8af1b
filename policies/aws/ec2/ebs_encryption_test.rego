package rules.aws.ec2.ebs_encryption_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.ebs_encryption as rule

deny(resources) := result if {
	result := rule.deny with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_unencrypted_volume_instance_and_template_fire if {
	findings := deny([
		fixtures.resource("aws_ebs_volume", "v", {"size": 10}),
		fixtures.resource("aws_instance", "i", {"root_block_device": [{"volume_size": 20}]}),
		fixtures.resource("aws_launch_template", "t", {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"volume_size": 8}]}]}),
	])
	count(findings) == 3
	some f in findings
	f.attribute == "root_block_device[0].encrypted"
}

test_instance_without_root_block_fires if {
	some f in deny([fixtures.resource("aws_instance", "i", {"ami": "ami-1"})])
	f.attribute == "root_block_device"
}

test_encrypted_passes if {
	count(deny([
		fixtures.resource("aws_ebs_volume", "v", {"encrypted": true}),
		fixtures.resource("aws_instance", "i", {"root_block_device": [{"encrypted": true}], "ebs_block_device": [{"encrypted": true}]}),
		fixtures.resource("aws_launch_template", "t", {"block_device_mappings": [{"ebs": [{"encrypted": "true"}]}]}),
	])) == 0
}

test_default_encryption_covers_everything if {
	count(deny([
		fixtures.resource("aws_ebs_encryption_by_default", "d", {"enabled": true}),
		fixtures.resource("aws_ebs_volume", "v", {}),
	])) == 0
}

test_volume_from_snapshot_is_undetermined if {
	v := fixtures.resource("aws_ebs_volume", "v", {"snapshot_id": "snap-1"})
	count(deny([v])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [v]} with data.inventory as fixtures.inventory([v])
}

test_unknown_default_encryption_makes_volumes_undetermined if {
	d := fixtures.with_unknown(fixtures.resource("aws_ebs_encryption_by_default", "d", {}), ["enabled"])
	v := fixtures.resource("aws_ebs_volume", "v", {"size": 10})
	count(deny([d, v])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [v]} with data.inventory as fixtures.inventory([d, v])
}

test_instance_with_launch_template_defers_to_the_template if {
	i := fixtures.resource("aws_instance", "i", {"launch_template": [{"name": "lt"}]})
	count(deny([i])) == 0
	count(rule.undetermined) == 1 with input as {"resources": [i]} with data.inventory as fixtures.inventory([i])
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": resources}
		with data.inventory as fixtures.inventory(resources)
}

test_unknown_block_settings_are_undetermined if {
	i := fixtures.with_unknown(fixtures.resource("aws_instance", "i", {"root_block_device": [{"volume_size": 8}]}), ["root_block_device[0].encrypted"])
	t := fixtures.with_unknown(
		fixtures.resource("aws_launch_template", "t", {"block_device_mappings": [{"ebs": [{"volume_size": 8}]}]}),
		["block_device_mappings[0].ebs[0].encrypted"],
	)
	d := fixtures.with_unknown(fixtures.resource("aws_instance", "d", {}), ["launch_template"])
	count(deny([i, t, d])) == 0
	count(undetermined([i, t, d])) == 3
}

test_default_encryption_in_another_module_does_not_cover if {
	d := object.union(fixtures.resource("aws_ebs_encryption_by_default", "d", {"enabled": true}), {"source": {"file": "accounts/prod/main.tf"}})
	v := object.union(fixtures.resource("aws_ebs_volume", "v", {}), {"source": {"file": "accounts/dev/main.tf"}})
	count(deny([d, v])) == 1
}

test_string_true_counts_as_encrypted if {
	count(deny([fixtures.resource("aws_ebs_volume", "v", {"encrypted": "true"})])) == 0
}

test_default_encryption_does_not_excuse_an_existing_live_volume if {
	default_on := object.union(fixtures.resource("aws_ebs_encryption_by_default", "d", {"enabled": true}), {"origin": "live"})
	volume := object.union(fixtures.resource("aws_ebs_volume", "v", {"encrypted": false}), {"origin": "live"})
	count(deny([default_on, volume])) == 1
}
