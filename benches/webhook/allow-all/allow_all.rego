# METADATA
# title: Allow everything
# description: >-
#   The benchmark's baseline policy set: one rule on every object that never denies, so the
#   server does all of a review's work (parse, load, evaluate, answer) but the rules'.
# scope: package
# custom:
#   id: bench-allow-all
#   severity: info
#   resource_types: ["*"]
#   controls: {}
#   remediation: Nothing to do.
package rules.kubernetes.bench.allow_all

import rego.v1

deny contains {"resource_id": r.id, "message": "never"} if {
	some r in input.resources
	r.id == ""
}
