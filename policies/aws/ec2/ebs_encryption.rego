# METADATA
# title: EBS volumes are encrypted
# description: >-
#   EBS volumes and their snapshots hold everything an instance writes. Unencrypted volumes
#   expose that data to anyone who gets a snapshot shared, copied or restored elsewhere.
#   Volumes are covered when they set encryption themselves or when the configuration turns
#   on EBS encryption by default (aws_ebs_encryption_by_default) for their region.
# scope: package
# custom:
#   id: aws-ebs-encryption
#   severity: high
#   resource_types: [aws_ebs_volume, aws_instance, aws_launch_template]
#   controls:
#     soc2: [CC6.1, CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(a)(2)(iv)"]
#     pci-dss-4.0: ["3.5.1"]
#   remediation: >-
#     Set `encrypted = true` (with `kms_key_id` for a customer-managed key) on the volume, the
#     instance's `root_block_device` and `ebs_block_device` blocks, or the launch template's
#     `block_device_mappings.ebs`; or enable `aws_ebs_encryption_by_default` for the region.
package rules.aws.ec2.ebs_encryption

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, "encrypted") if {
	some r in tenet.of_input_type("aws_ebs_volume")
	not default_encryption(r)
	not tenet.is_unknown(r, "encrypted")
	tenet.attr(r, "encrypted", false) != true
	tenet.attr(r, "snapshot_id", "") == ""
	msg := sprintf("EBS volume %q is not encrypted", [r.name])
}

deny contains tenet.finding(r, msg, "root_block_device") if {
	some r in tenet.of_input_type("aws_instance")
	not default_encryption(r)
	not tenet.is_unknown(r, "root_block_device")
	count(tenet.blocks(tenet.attr(r, "root_block_device", []))) == 0
	msg := sprintf("instance %q does not encrypt its root volume (no root_block_device with encrypted = true)", [r.name])
}

deny contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_instance")
	not default_encryption(r)
	some block in ["root_block_device", "ebs_block_device"]
	some i, d in tenet.blocks(tenet.attr(r, block, []))
	path := sprintf("%s[%d].encrypted", [block, i])
	not tenet.is_unknown(r, path)
	tenet.get(d, "encrypted", false) != true
	tenet.get(d, "snapshot_id", "") == ""
	msg := sprintf("instance %q has an unencrypted %s", [r.name, block])
}

deny contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_launch_template")
	not default_encryption(r)
	some i, m in tenet.blocks(tenet.attr(r, "block_device_mappings", []))
	some j, ebs in tenet.blocks(tenet.get(m, "ebs", []))
	path := sprintf("block_device_mappings[%d].ebs[%d].encrypted", [i, j])
	not tenet.is_unknown(r, path)
	not tenet.get(ebs, "encrypted", "false") in {true, "true"}
	tenet.get(ebs, "snapshot_id", "") == ""
	msg := sprintf("launch template %q maps an unencrypted EBS volume (%s)", [r.name, tenet.get(m, "device_name", "device")])
}

undetermined contains tenet.finding(r, msg, "encrypted") if {
	some r in tenet.of_input_type("aws_ebs_volume")
	not default_encryption(r)
	unknown_volume(r)
	msg := sprintf("whether EBS volume %q is encrypted is not known before apply", [r.name])
}

unknown_volume(r) if tenet.is_unknown(r, "encrypted")

# A volume restored from a snapshot is encrypted exactly when the snapshot is.
unknown_volume(r) if {
	tenet.attr(r, "encrypted", false) != true
	tenet.attr(r, "snapshot_id", "") != ""
}

# Account-level default encryption in the resource's region (or of unknown region).
default_encryption(r) if {
	some d in tenet.of_type("aws_ebs_encryption_by_default")
	tenet.attr(d, "enabled", true) == true
	same_region(d, r)
}

same_region(a, b) if a.scope.region == b.scope.region

same_region(a, b) if a.scope.region == null

same_region(a, b) if b.scope.region == null
