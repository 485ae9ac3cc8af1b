# METADATA
# title: Lambda environment variables hold no literal secrets
# description: >-
#   Environment variables are part of a function's configuration: anyone allowed to read it
#   (lambda:GetFunctionConfiguration, the console, CloudFormation or Terraform state) sees
#   them, and a literal in the Terraform code also lives on in version control. Flags
#   variables whose name says password, secret, token, API key or credential and whose value
#   is a literal in the configuration, and any value that looks like an AWS access key or a
#   private key. Values known only at apply time (variables without defaults, references),
#   ARNs and secret references are not literals and pass.
# scope: package
# custom:
#   id: aws-lambda-env-secrets
#   check: plaintext-secrets
#   severity: high
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17, A.8.24]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["8.3.2", "8.6.2"]
#   resource_types: [aws_lambda_function]
#   remediation: >-
#     Keep the secret in Secrets Manager or SSM Parameter Store, pass its ARN or name in the
#     environment, and read it at run time (the AWS Parameters and Secrets Lambda Extension
#     caches it); rotate any value that was committed.
package rules.aws.lambda.env_secrets

import rego.v1

import data.lib.tenet

deny contains tenet.finding(r, msg, path) if {
	some r in tenet.of_input_type("aws_lambda_function")
	some i, env in tenet.blocks(tenet.attr(r, "environment", []))
	variables := tenet.get(env, "variables", {})
	is_object(variables)
	some name, value in variables
	is_string(value)
	path := sprintf("environment[%d].variables%s", [i, key_path(name)])
	not tenet.is_unknown(r, path)
	what := secret(name, value)
	msg := sprintf("Lambda function %q sets environment variable %s", [r.name, what])
}

# Why a variable's literal value is a secret (undefined when it is not).
secret(name, value) := sprintf("%s (a secret, by its name) to a literal value", [name]) if {
	secret_name(name)
	literal_secret_value(value)
	not looks_like_secret_value(value)
}

secret(name, value) := sprintf("%s to a literal AWS access key id", [name]) if regex.match(`(AKIA|ASIA)[0-9A-Z]{16}`, value)

secret(name, value) := sprintf("%s to a literal private key", [name]) if {
	regex.match(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`, value)
	not regex.match(`(AKIA|ASIA)[0-9A-Z]{16}`, value)
}

looks_like_secret_value(value) if regex.match(`(AKIA|ASIA)[0-9A-Z]{16}`, value)

looks_like_secret_value(value) if regex.match(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`, value)

secret_name(name) if {
	n := lower(name)
	regex.match(`(password|passwd|pwd|secret|token|api_?key|apikey|private_?key|access_?key|credential|auth_?key|client_?secret)`, n)
	not regex.match(`(_|-)(arn|name|id|path|param|parameter|file|url|uri|endpoint|region|ttl|header|length|enabled|version|type|key_id|field|env|location|prefix)$`, n)
	not regex.match(`^(token|secret)_?(url|uri|endpoint|type)`, n)
}

# A value that is a credential itself rather than a pointer to one or a setting.
literal_secret_value(value) if {
	count(value) >= 4
	not startswith(value, "arn:")
	not startswith(value, "{{resolve:")
	not startswith(value, "/")
	not startswith(value, "${")
	not lower(value) in {"true", "false", "none", "null", "enabled", "disabled"}
	not regex.match(`^[0-9]+$`, value)
	not regex.match(`^https?://`, value)
}

key_path(name) := sprintf(".%s", [name]) if regex.match(`^[A-Za-z_][A-Za-z0-9_-]*$`, name)

key_path(name) := sprintf("[%q]", [name]) if not regex.match(`^[A-Za-z_][A-Za-z0-9_-]*$`, name)
