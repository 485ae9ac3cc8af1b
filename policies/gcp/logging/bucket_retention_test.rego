package rules.gcp.logging.bucket_retention_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.logging.bucket_retention as rule

config := {"min_log_retention_days": 365}

bucket(name, attrs) := fixtures.resource("google_logging_project_bucket_config", name, object.union({"project": "p", "location": "global", "bucket_id": name}, attrs))

test_short_retention_fires if {
	count(rule.deny) == 2 with input as {"resources": [bucket("default", {}), bucket("short", {"retention_days": 90})]} with data.config as config
}

test_long_retention_passes if {
	count(rule.deny) == 0 with input as {"resources": [bucket("year", {"retention_days": 400})]} with data.config as config
}

test_override if {
	b := bucket("short", {"retention_days": 90})
	count(rule.deny) == 0 with input as {"resources": [b]} with data.config.min_log_retention_days as 90
}

test_unknown_is_undetermined if {
	b := fixtures.with_unknown(bucket("u", {}), ["retention_days"])
	count(rule.deny) == 0 with input as {"resources": [b]} with data.config as config
	count(rule.undetermined) == 1 with input as {"resources": [b]} with data.config as config
}
