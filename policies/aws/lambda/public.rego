# METADATA
# title: Lambda functions cannot be invoked by anyone
# description: >-
#   A resource-based permission for principal "*" without a source ARN, source account or
#   organization condition lets any AWS account invoke the function, and a function URL with
#   `authorization_type = "NONE"` lets anyone on the internet call it. Either exposes the
#   function's code path, its role's permissions and its cost to strangers. Public endpoints
#   belong behind API Gateway or CloudFront with authentication, throttling and a WAF.
# scope: package
# custom:
#   id: aws-lambda-public
#   check: function-public
#   severity: high
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.8.3]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.4.2", "7.2.1"]
#   resource_types: [aws_lambda_permission, aws_lambda_function_url]
#   remediation: >-
#     Name the calling service or account as `principal` and restrict it with `source_arn`,
#     `source_account` or `principal_org_id`; give function URLs `authorization_type =
#     "AWS_IAM"`.
package rules.aws.lambda.public

import rego.v1

import data.lib.tenet

conditions := ["source_arn", "source_account", "principal_org_id"]

deny contains tenet.finding(r, msg, "principal") if {
	some r in tenet.of_input_type("aws_lambda_permission")
	tenet.attr(r, "principal", "") == "*"
	every c in conditions {
		not tenet.is_unknown(r, c)
		tenet.attr(r, c, "") == ""
	}
	msg := sprintf("Lambda permission %q lets any principal (\"*\") invoke the function, with no source ARN, account or organization condition", [r.name])
}

deny contains tenet.finding(r, msg, "authorization_type") if {
	some r in tenet.of_input_type("aws_lambda_function_url")
	upper(tenet.attr(r, "authorization_type", "")) == "NONE"
	msg := sprintf("Lambda function URL %q can be called by anyone without authentication (authorization_type = \"NONE\")", [r.name])
}

undetermined contains tenet.finding(r, msg, "principal") if {
	some r in tenet.of_input_type("aws_lambda_permission")
	tenet.is_unknown(r, "principal")
	msg := sprintf("the principal of Lambda permission %q is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, "principal") if {
	some r in tenet.of_input_type("aws_lambda_permission")
	tenet.attr(r, "principal", "") == "*"
	some c in conditions
	tenet.is_unknown(r, c)
	not tenet.has_value(r.attributes, c)
	not known_condition(r)
	not referenced_condition(r)
	msg := sprintf("Lambda permission %q grants \"*\"; whether a source condition restricts it is not known before apply", [r.name])
}

undetermined contains tenet.finding(r, msg, "authorization_type") if {
	some r in tenet.of_input_type("aws_lambda_function_url")
	tenet.is_unknown(r, "authorization_type")
	msg := sprintf("authorization_type of Lambda function URL %q is not known before apply", [r.name])
}

known_condition(r) if {
	some c in conditions
	tenet.attr(r, c, "") != ""
}

# A condition whose whole value is a reference (source_arn = aws_s3_bucket.b.arn): it is set.
referenced_condition(r) if {
	some ref in r.refs
	ref.attribute in conditions
	ref.direct
}
