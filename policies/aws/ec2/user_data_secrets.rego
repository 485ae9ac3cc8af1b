# METADATA
# title: EC2 user data holds no literal credentials
# description: >-
#   User data is readable by anyone allowed to describe the instance attribute or launch
#   template, by every process on the instance through the metadata service, and it stays in
#   version control and Terraform state. Credentials written into it (AWS access keys,
#   private keys, password or token assignments with literal values) leak through all of
#   these. Base64-encoded user data is decoded first. Assignments whose value is a shell or
#   template expansion (`$VAR`, `$(...)`, `${...}`) or a file path are not literals and pass;
#   user data known only at apply time cannot be read and is not reported.
# scope: package
# custom:
#   id: aws-ec2-user-data-secrets
#   check: plaintext-secrets
#   severity: high
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17, A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["8.3.2", "8.6.2"]
#   resource_types: [aws_instance, aws_launch_template, aws_launch_configuration]
#   remediation: >-
#     Give the instance an IAM role instead of access keys, and fetch other secrets at boot from
#     Secrets Manager or SSM Parameter Store (`aws secretsmanager get-secret-value ...`);
#     rotate any credential that was committed.
package rules.aws.ec2.user_data_secrets

import rego.v1

import data.lib.tenet

types := {"aws_instance", "aws_launch_template", "aws_launch_configuration"}

deny contains tenet.finding(r, msg, attribute) if {
	some r in input.resources
	r.type in types
	some attribute in ["user_data", "user_data_base64"]
	not tenet.is_unknown(r, attribute)
	raw := tenet.attr(r, attribute, "")
	is_string(raw)
	raw != ""
	kinds := {k | some text in texts(raw); some k in found(text)}
	count(kinds) > 0
	msg := sprintf("%s %q has %s in its %s", [r.type, r.name, concat(" and ", sort(kinds)), attribute])
}

# The text as written, and decoded when it is base64 (launch templates require it).
texts(raw) := {raw, decoded} if {
	regex.match(`^[A-Za-z0-9+/]+=*$`, raw)
	base64.is_valid(raw)
	decoded := base64.decode(raw)
}

texts(raw) := {raw} if not base64_text(raw)

base64_text(raw) if {
	regex.match(`^[A-Za-z0-9+/]+=*$`, raw)
	base64.is_valid(raw)
}

found(text) := {k | some k, pattern in patterns; regex.match(pattern, text)}

patterns := {
	"an AWS access key id": `(^|[^A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}([^A-Z0-9]|$)`,
	"an AWS secret access key": `(?i)aws_secret_access_key["']?[ \t]*[=:][ \t]*["']?[A-Za-z0-9/+]{40}`,
	"a private key": `-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`,
	"a literal password or token": `(?im)(^|[^a-z0-9])(password|passwd|secret|token|api_?key)["']?[ \t]*[=:][ \t]*["']?[^ \t\r\n"'$({/<%][^ \t\r\n"']{3,}`,
}
