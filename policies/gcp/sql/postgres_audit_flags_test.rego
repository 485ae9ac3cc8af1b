package rules.gcp.sql.postgres_audit_flags_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.postgres_audit_flags as rule

pg(name, flags) := fixtures.resource("google_sql_database_instance", name, {"database_version": "POSTGRES_16", "settings": [{"database_flags": flags}]})

test_missing_flags_fire if {
	findings := rule.deny with input as {"resources": [pg("none", []), pg("half", [{"name": "log_connections", "value": "on"}])]}
	count(findings) == 2
	some f in findings
	contains(f.message, "log_disconnections")
}

test_flags_on_and_other_engines_pass if {
	ok := pg("ok", [{"name": "log_connections", "value": "on"}, {"name": "log_disconnections", "value": "on"}])
	mysql := fixtures.resource("google_sql_database_instance", "mysql", {"database_version": "MYSQL_8_0", "settings": [{"tier": "db-f1-micro"}]})
	count(rule.deny) == 0 with input as {"resources": [ok, mysql]}
	count(rule.undetermined) == 0 with input as {"resources": [ok, mysql]}
}

test_unknown_flag_is_undetermined if {
	r := fixtures.with_unknown(pg("u", [{"name": "log_connections"}]), ["settings[0].database_flags[0].value"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}
