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

# Volumes that do not encrypt themselves: {"r", "attribute", "message"}.
unencrypted contains {"r": r, "attribute": "encrypted", "message": sprintf("EBS volume %q is not encrypted", [r.name])} if {
	some r in tenet.of_input_type("aws_ebs_volume")
	tenet.attr(r, "encrypted", false) != true
	tenet.attr(r, "snapshot_id", "") == ""
}

unencrypted contains {"r": r, "attribute": "root_block_device", "message": msg} if {
	some r in tenet.of_input_type("aws_instance")
	count(tenet.blocks(tenet.attr(r, "root_block_device", []))) == 0
	# With a launch template, the template defines the root volume.
	count(tenet.blocks(tenet.attr(r, "launch_template", []))) == 0
	msg := sprintf("instance %q does not encrypt its root volume (no root_block_device with encrypted = true)", [r.name])
}

unencrypted contains {"r": r, "attribute": path, "message": msg} if {
	some r in tenet.of_input_type("aws_instance")
	some block in ["root_block_device", "ebs_block_device"]
	some i, d in tenet.blocks(tenet.attr(r, block, []))
	path := sprintf("%s[%d].encrypted", [block, i])
	not tenet.is_unknown(r, path)
	tenet.get(d, "encrypted", false) != true
	tenet.get(d, "snapshot_id", "") == ""
	msg := sprintf("instance %q has an unencrypted %s", [r.name, block])
}

unencrypted contains {"r": r, "attribute": path, "message": msg} if {
	some r in tenet.of_input_type("aws_launch_template")
	some i, m in tenet.blocks(tenet.attr(r, "block_device_mappings", []))
	some j, ebs in tenet.blocks(tenet.get(m, "ebs", []))
	path := sprintf("block_device_mappings[%d].ebs[%d].encrypted", [i, j])
	not tenet.is_unknown(r, path)
	not tenet.get(ebs, "encrypted", "false") in {true, "true"}
	tenet.get(ebs, "snapshot_id", "") == ""
	msg := sprintf("launch template %q maps an unencrypted EBS volume (%s)", [r.name, tenet.get(m, "device_name", "device")])
}

deny contains tenet.finding(u.r, u.message, u.attribute) if {
	some u in unencrypted
	not default_encryption(u.r)
	not default_encryption_unknown(u.r)
}

undetermined contains tenet.finding(u.r, msg, u.attribute) if {
	some u in unencrypted
	not default_encryption(u.r)
	default_encryption_unknown(u.r)
	msg := sprintf("%s, unless EBS encryption by default is on: an aws_ebs_encryption_by_default is configured with values not known before apply", [u.message])
}

undetermined contains tenet.finding(r, msg, attribute) if {
	some r in tenet.of_input_type("aws_ebs_volume")
	not default_encryption(r)
	some attribute in unknown_volume_attributes(r)
	msg := sprintf("whether EBS volume %q is encrypted depends on %s, which is not known before apply", [r.name, attribute])
}

undetermined contains tenet.finding(r, msg, "launch_template") if {
	some r in tenet.of_input_type("aws_instance")
	not default_encryption(r)
	count(tenet.blocks(tenet.attr(r, "root_block_device", []))) == 0
	count(tenet.blocks(tenet.attr(r, "launch_template", []))) > 0
	msg := sprintf("instance %q takes its root volume from its launch template; check the template's encryption", [r.name])
}

undetermined contains tenet.finding(r, msg, block) if {
	some r in tenet.of_input_type("aws_instance")
	not default_encryption(r)
	some block in ["root_block_device", "ebs_block_device"]
	block in r.unknown
	msg := sprintf("the %s of instance %q is not known before apply", [block, r.name])
}

unknown_volume_attributes(r) := unknown | from_snapshot(r) if {
	unknown := {a | some a in ["encrypted", "snapshot_id"]; tenet.is_unknown(r, a)}
}

# A volume restored from a snapshot is encrypted exactly when the snapshot is.
from_snapshot(r) := {"snapshot_id"} if {
	not tenet.is_unknown(r, "snapshot_id")
	tenet.attr(r, "encrypted", false) != true
	tenet.attr(r, "snapshot_id", "") != ""
} else := set()

# Account-level default encryption in the resource's region (or of unknown region).
default_encryption(r) if {
	some d in tenet.of_type("aws_ebs_encryption_by_default")
	not tenet.maybe_absent(d)
	tenet.attr(d, "enabled", true) == true
	same_region(d, r)
}

# An aws_ebs_encryption_by_default whose setting or existence is not known.
default_encryption_unknown(r) if {
	some d in tenet.of_type("aws_ebs_encryption_by_default")
	same_region(d, r)
	unknown_default(d)
}

unknown_default(d) if tenet.is_unknown(d, "enabled")

unknown_default(d) if tenet.maybe_absent(d)

same_region(a, b) if a.scope.region == b.scope.region

same_region(a, b) if a.scope.region == null

same_region(a, b) if b.scope.region == null
