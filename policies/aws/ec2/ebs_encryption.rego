# METADATA
# title: EBS volumes are encrypted
# description: >-
#   EBS volumes and their snapshots hold everything an instance writes. Unencrypted volumes
#   expose that data to anyone who gets a snapshot shared, copied or restored elsewhere.
#   Volumes are covered when they set encryption themselves or when the same Terraform module
#   turns on EBS encryption by default (aws_ebs_encryption_by_default) for their region.
# scope: package
# custom:
#   id: aws-ebs-encryption
#   check: disk-encryption
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
	tenet.bool_attr(r, "encrypted", false) == false
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
	not tenet.is_unknown(r, sprintf("%s[%d].snapshot_id", [block, i]))
	tenet.to_bool(tenet.get(d, "encrypted", false)) == false
	tenet.get(d, "snapshot_id", "") == ""
	msg := sprintf("instance %q has an unencrypted %s", [r.name, block])
}

unencrypted contains {"r": r, "attribute": path, "message": msg} if {
	some r in tenet.of_input_type("aws_launch_template")
	some i, m in tenet.blocks(tenet.attr(r, "block_device_mappings", []))
	some j, ebs in tenet.blocks(tenet.get(m, "ebs", []))
	path := sprintf("block_device_mappings[%d].ebs[%d].encrypted", [i, j])
	not tenet.is_unknown(r, path)
	not tenet.is_unknown(r, sprintf("block_device_mappings[%d].ebs[%d].snapshot_id", [i, j]))
	tenet.to_bool(tenet.get(ebs, "encrypted", false)) == false
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

# Values the decision needs that are not known before apply: {"r", "attribute", "what"}.
unknown_parts contains {"r": r, "attribute": a, "what": sprintf("EBS volume %q", [r.name])} if {
	some r in tenet.of_input_type("aws_ebs_volume")
	some a in ["encrypted", "snapshot_id"]
	tenet.is_unknown(r, a)
}

unknown_parts contains {"r": r, "attribute": a, "what": sprintf("instance %q", [r.name])} if {
	some r in tenet.of_input_type("aws_instance")
	some a in ["root_block_device", "ebs_block_device", "launch_template"]
	tenet.is_unknown(r, a)
}

unknown_parts contains {"r": r, "attribute": "block_device_mappings", "what": sprintf("launch template %q", [r.name])} if {
	some r in tenet.of_input_type("aws_launch_template")
	tenet.is_unknown(r, "block_device_mappings")
}

undetermined contains tenet.finding(p.r, msg, p.attribute) if {
	some p in unknown_parts
	not default_encryption(p.r)
	msg := sprintf("whether %s is encrypted depends on %s, which is not known before apply", [p.what, p.attribute])
}

# A volume restored from a snapshot is encrypted exactly when the snapshot is.
undetermined contains tenet.finding(r, msg, "snapshot_id") if {
	some r in tenet.of_input_type("aws_ebs_volume")
	not default_encryption(r)
	tenet.bool_attr(r, "encrypted", false) == false
	tenet.attr(r, "snapshot_id", "") != ""
	msg := sprintf("EBS volume %q is restored from snapshot %v: it is encrypted exactly when the snapshot is", [r.name, r.attributes.snapshot_id])
}

undetermined contains tenet.finding(r, msg, "launch_template") if {
	some r in tenet.of_input_type("aws_instance")
	not default_encryption(r)
	count(tenet.blocks(tenet.attr(r, "root_block_device", []))) == 0
	count(tenet.blocks(tenet.attr(r, "launch_template", []))) > 0
	msg := sprintf("instance %q takes its root volume from its launch template; check the template's encryption", [r.name])
}

# EBS encryption by default, configured in the same Terraform module (one deployment, so one
# account) and for the same region or a region that is not known.
default_encryption(r) if {
	some d in tenet.of_type("aws_ebs_encryption_by_default")
	applies_to(d, r)
	not tenet.maybe_absent(d)
	tenet.bool_attr(d, "enabled", true) == true
}

# An aws_ebs_encryption_by_default whose setting or existence is not known.
default_encryption_unknown(r) if {
	some d in tenet.of_type("aws_ebs_encryption_by_default")
	applies_to(d, r)
	unknown_default(d)
}

unknown_default(d) if tenet.is_unknown(d, "enabled")

unknown_default(d) if tenet.maybe_absent(d)

# Default encryption applies to volumes yet to be created; a live volume's `encrypted` is
# already the fact (volumes made before it was turned on stay unencrypted).
applies_to(d, r) if {
	r.origin != "live"
	tenet.module_dir(d) == tenet.module_dir(r)
	same_region(d, r)
}

same_region(a, b) if a.scope.region == b.scope.region

same_region(a, b) if a.scope.region == null

same_region(a, b) if b.scope.region == null
