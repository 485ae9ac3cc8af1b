package rules.gcp.storage.access_logging_test

import rego.v1

import data.lib.fixtures
import data.rules.gcp.storage.access_logging as rule

deny(resources) := r if {
	r := rule.deny with input as {"resources": [x | some x in resources; x.type == "google_storage_bucket"]} with data.inventory as fixtures.inventory(resources)
}

test_bucket_without_logging_fires if {
	count(deny([fixtures.resource("google_storage_bucket", "b", {})])) == 1
}

test_usage_logs_pass if {
	count(deny([fixtures.resource("google_storage_bucket", "b", {"logging": [{"log_bucket": "logs"}]})])) == 0
}

test_data_access_audit_logs_pass if {
	b := fixtures.resource("google_storage_bucket", "b", {})
	a := fixtures.resource("google_project_iam_audit_config", "a", {"service": "allServices", "audit_log_config": [{"log_type": "DATA_READ"}, {"log_type": "DATA_WRITE"}]})
	count(deny([b, a])) == 0
	partial := fixtures.resource("google_project_iam_audit_config", "p", {"service": "storage.googleapis.com", "audit_log_config": [{"log_type": "DATA_WRITE"}]})
	count(deny([b, partial])) == 1
}
