# METADATA
# title: AWS Config records all resource types
# description: >-
#   AWS Config keeps the configuration history of resources: what changed, when and how it
#   related to other resources, which change management and incident investigations rely on.
#   A recorder limited to a hand-picked list of types (`all_supported = false` without an
#   exclusion strategy), or whose status is stopped (`is_enabled = false`), leaves changes to
#   everything else unrecorded. Recording all types but an exclusion list passes.
#   Global resource types (IAM) need recording in one region only, so they are not required.
# scope: package
# custom:
#   id: aws-config-recorder
#   check: config-recording
#   severity: low
#   controls:
#     soc2: [CC7.1, CC8.1]
#     iso27001-2022: [A.5.9, A.8.9]
#     gdpr: [Art.30]
#     hipaa: ["164.308(a)(1)(ii)(A)"]
#     pci-dss-4.0: ["12.5.1"]
#   resource_types: [aws_config_configuration_recorder, aws_config_configuration_recorder_status]
#   remediation: >-
#     Use `recording_group { all_supported = true }` (or `recording_strategy { use_only =
#     "EXCLUSION_BY_RESOURCE_TYPES" }` with `exclusion_by_resource_types` for costly types) and keep
#     `aws_config_configuration_recorder_status` at `is_enabled = true`.
package rules.aws.config.recorder

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_config_configuration_recorder")
	some i, g in tenet.blocks(tenet.attr(r, "recording_group", []))
	path := sprintf("recording_group[%d].all_supported", [i])
	not tenet.is_unknown(r, path)
	tenet.to_bool(tenet.get(g, "all_supported", true)) == false
	not exclusion_strategy(r, i, g)
	msg := sprintf("AWS Config recorder %q records only selected resource types (all_supported = false)", [r.name])
}

deny contains tenet.finding(r, msg, "is_enabled") if {
	some r in tenet.of_input_type("aws_config_configuration_recorder_status")
	tenet.bool_attr(r, "is_enabled", true) == false
	msg := sprintf("AWS Config recorder status %q stops recording (is_enabled = false)", [r.name])
}

undetermined contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_config_configuration_recorder")
	some path in {"recording_group"} | {sprintf("recording_group[%d].%s", [i, f]) |
		some i, _ in tenet.blocks(tenet.attr(r, "recording_group", []))
		some f in ["all_supported", "recording_strategy"]
	}
	path in r.unknown
	msg := sprintf("whether AWS Config recorder %q records all types depends on %s, which is not known before apply", [r.name, path])
}

# An exclusion list (every type but the listed ones, new types included) counts as recording
# all types; AWS requires all_supported = false with it. Unknown strategy: not excluded.
exclusion_strategy(r, i, g) if {
	some s in tenet.blocks(tenet.get(g, "recording_strategy", []))
	tenet.get(s, "use_only", "") == "EXCLUSION_BY_RESOURCE_TYPES"
}

exclusion_strategy(r, i, _) if tenet.is_unknown(r, sprintf("recording_group[%d].recording_strategy", [i]))

undetermined contains tenet.finding(r, msg, "is_enabled") if {
	some r in tenet.of_input_type("aws_config_configuration_recorder_status")
	tenet.is_unknown(r, "is_enabled")
	msg := sprintf("is_enabled of AWS Config recorder status %q is not known before apply", [r.name])
}
