package rules.aws.ec2.user_data_secrets_test

import rego.v1

import data.lib.fixtures
import data.rules.aws.ec2.user_data_secrets as rule

script := "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\nexport DB_PASSWORD=hunter2prod\n"

test_plain_and_base64_user_data_fire if {
	findings := rule.deny with input as {"resources": [
		fixtures.resource("aws_instance", "i", {"user_data": script}),
		fixtures.resource("aws_launch_template", "t", {"user_data": base64.encode(script)}),
		fixtures.resource("aws_launch_configuration", "c", {"user_data_base64": base64.encode("#cloud-config\npassword: s3cr3t-pass\n")}),
	]}
	count(findings) == 3
	some f in findings
	f.resource_id == "terraform:aws_launch_template.t"
	contains(f.message, "a literal password or token and an AWS access key id")
}

test_expansions_and_clean_scripts_pass if {
	clean := concat("\n", [
		"#!/bin/bash",
		"DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)",
		"TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token)",
		"password_file=/etc/app/password",
		"echo \"password: ${db_password}\" > /dev/null",
		"docker login --password-stdin < /run/secret",
	])
	count(rule.deny) == 0 with input as {"resources": [
		fixtures.resource("aws_instance", "i", {"user_data": clean}),
		fixtures.resource("aws_launch_template", "t", {"user_data": base64.encode(clean)}),
	]}
}

test_unknown_user_data_is_not_read if {
	i := fixtures.with_unknown(fixtures.resource("aws_instance", "i", {}), ["user_data"])
	count(rule.deny) == 0 with input as {"resources": [i]}
}
