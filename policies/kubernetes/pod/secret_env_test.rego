package rules.kubernetes.pod.secret_env_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.secret_env as rule

env(vars) := kf.one({"env": vars})

test_literal_password_fires_without_showing_it if {
	d := kf.deployment("d", env([{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "hunter2"}]))
	some f in rule.deny with input as {"resources": [d]}
	f.attribute == "spec.template.spec.containers[0].env[1].value"
	not contains(f.message, "hunter2")
}

test_tokens_and_keys_fire if {
	p := kf.pod("p", env([{"name": "GITHUB_TOKEN", "value": "ghp_x"}, {"name": "stripe-api-key", "value": "sk_live_x"}]))
	count(rule.deny) == 2 with input as {"resources": [p]}
}

test_references_and_metadata_pass if {
	p := kf.pod("p", env([
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
		{"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"},
		{"name": "SECRET_NAME", "value": "db-credentials"},
		{"name": "AWS_ACCESS_KEY_ID", "value": "AKIA..."},
		{"name": "TOKEN_ENABLED", "value": "true"},
		{"name": "PASSWORD", "value": "$(DB_PASSWORD)"},
		{"name": "API_TOKEN", "value": ""},
		{"name": "MAX_TOTAL_TOKENS", "value": "4096"},
		{"name": "SECRET_VERSION", "value": "3"},
		{"name": "MYSQL_ALLOW_EMPTY_PASSWORD", "value": "1"},
		{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/var/secrets/google/key.json"},
	]))
	count(rule.deny) == 0 with input as {"resources": [p]}
}
