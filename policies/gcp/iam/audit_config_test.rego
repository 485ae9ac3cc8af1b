package rules.gcp.iam.audit_config_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.iam.audit_config as rule

cfg(name, attrs) := fixtures.resource("google_project_iam_audit_config", name, object.union({"project": "p"}, attrs))

all_types := [{"log_type": "ADMIN_READ"}, {"log_type": "DATA_READ"}, {"log_type": "DATA_WRITE"}]

test_missing_types_and_exemptions_fire if {
	partial := cfg("partial", {"service": "allServices", "audit_log_config": [{"log_type": "ADMIN_READ"}]})
	exempt := cfg("exempt", {"service": "storage.googleapis.com", "audit_log_config": [{"log_type": "DATA_READ", "exempted_members": ["user:batch@example.com"]}]})
	findings := rule.deny with input as {"resources": [partial, exempt]}
	count(findings) == 2
	some f in findings
	contains(f.message, "DATA_READ, DATA_WRITE")
}

test_complete_config_passes if {
	ok := cfg("ok", {"service": "allServices", "audit_log_config": all_types})
	one := cfg("one", {"service": "bigquery.googleapis.com", "audit_log_config": [{"log_type": "DATA_READ"}]})
	count(rule.deny) == 0 with input as {"resources": [ok, one]}
	count(rule.undetermined) == 0 with input as {"resources": [ok, one]}
}

test_unknown_is_undetermined if {
	u := fixtures.with_unknown(cfg("u", {"service": "allServices", "audit_log_config": [{"log_type": "ADMIN_READ"}, {}]}), ["audit_log_config[1].log_type"])
	count(rule.deny) == 0 with input as {"resources": [u]}
	count(rule.undetermined) == 1 with input as {"resources": [u]}
}
