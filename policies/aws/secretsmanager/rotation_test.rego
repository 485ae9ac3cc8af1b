package rules.aws.secretsmanager.rotation_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.secretsmanager.rotation as rule

secret := fixtures.resource("aws_secretsmanager_secret", "db", {"name": "prod/db"})

deny(resources) := result if {
	result := rule.deny with input as {"resources": [secret]}
		with data.inventory as fixtures.inventory(resources)
}

undetermined(resources) := result if {
	result := rule.undetermined with input as {"resources": [secret]}
		with data.inventory as fixtures.inventory(resources)
}

test_unrotated_secret_fires if {
	count(deny([secret])) == 1
}

test_rotation_by_reference_or_name_passes if {
	by_ref := fixtures.with_unknown(fixtures.with_refs(fixtures.resource(rule.companion, "r", {}), [["secret_id", secret]]), ["secret_id"])
	count(deny([secret, by_ref])) == 0
	count(undetermined([secret, by_ref])) == 0
	by_name := fixtures.resource(rule.companion, "n", {"secret_id": "prod/db"})
	count(deny([secret, by_name])) == 0
}

test_inline_rotation_rules_pass if {
	s := fixtures.resource("aws_secretsmanager_secret", "old", {"name": "x", "rotation_rules": [{"automatically_after_days": 30}]})
	count(rule.deny) == 0 with input as {"resources": [s]} with data.inventory as fixtures.inventory([s])
}

test_rotation_with_unknown_target_is_undetermined if {
	r := fixtures.with_unknown(fixtures.resource(rule.companion, "r", {}), ["secret_id"])
	count(deny([secret, r])) == 0
	count(undetermined([secret, r])) == 1
}
