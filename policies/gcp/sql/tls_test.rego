package rules.gcp.sql.tls_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.sql.tls as rule

instance(name, ip) := fixtures.resource("google_sql_database_instance", name, {"settings": [{"tier": "db-f1-micro", "ip_configuration": [ip]}]})

test_default_and_allow_unencrypted_fire if {
	bare := fixtures.resource("google_sql_database_instance", "bare", {"settings": [{"tier": "db-f1-micro"}]})
	allow := instance("allow", {"ssl_mode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED"})
	findings := rule.deny with input as {"resources": [bare, allow]}
	count(findings) == 2
	some f in findings
	f.attribute == "settings"
}

test_encrypted_passes if {
	count(rule.deny) == 0 with input as {"resources": [
		instance("a", {"ssl_mode": "ENCRYPTED_ONLY"}),
		instance("b", {"ssl_mode": "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}),
		instance("c", {"require_ssl": true}),
	]}
}

test_unknown_is_undetermined if {
	r := fixtures.with_unknown(instance("u", {}), ["settings[0].ip_configuration[0].ssl_mode"])
	count(rule.deny) == 0 with input as {"resources": [r]}
	count(rule.undetermined) == 1 with input as {"resources": [r]}
}
