# METADATA
# title: The IAM account password policy is strong
# description: >-
#   IAM user passwords are the console's front door. Short passwords, passwords without both
#   letters and digits, and passwords users may cycle back to are guessed or reused from
#   breaches. The account password policy should require at least `min_password_length`
#   characters (14 by default), letters and digits, and block reuse of the last
#   `min_password_reuse_prevention` passwords (24 by default). The rule checks the
#   aws_iam_account_password_policy it sees; an account without one uses AWS's weak default,
#   which the rule cannot see from one configuration.
# scope: package
# custom:
#   id: aws-iam-password-policy
#   check: password-policy
#   severity: medium
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17]
#     gdpr: [Art.32]
#     hipaa: ["164.308(a)(5)(ii)(D)"]
#     pci-dss-4.0: ["8.3.6", "8.3.9"]
#   resource_types: [aws_iam_account_password_policy]
#   params:
#     min_password_length: 14
#     min_password_reuse_prevention: 24
#   remediation: >-
#     Set `minimum_password_length` to 14 or more, `require_numbers = true`, at least one of
#     `require_lowercase_characters`/`require_uppercase_characters = true`, and
#     `password_reuse_prevention = 24`; better, move people to SSO and keep IAM users for none.
package rules.aws.iam.password_policy

import rego.v1

import data.lib.tenet

policies := tenet.of_input_type("aws_iam_account_password_policy")

deny contains tenet.finding(r, msg, "minimum_password_length") if {
	some r in policies
	not tenet.is_unknown(r, "minimum_password_length")
	n := tenet.number(tenet.attr(r, "minimum_password_length", 6))
	n < data.config.min_password_length
	msg := sprintf("IAM password policy %q allows passwords of %v characters (at least %v required)", [r.name, n, data.config.min_password_length])
}

deny contains tenet.finding(r, msg, "password_reuse_prevention") if {
	some r in policies
	not tenet.is_unknown(r, "password_reuse_prevention")
	n := tenet.number(tenet.attr(r, "password_reuse_prevention", 0))
	n < data.config.min_password_reuse_prevention
	msg := sprintf("IAM password policy %q remembers %v previous password(s) (at least %v required)", [r.name, n, data.config.min_password_reuse_prevention])
}

deny contains tenet.finding(r, msg, "require_numbers") if {
	some r in policies
	tenet.bool_attr(r, "require_numbers", false) == false
	msg := sprintf("IAM password policy %q does not require digits", [r.name])
}

deny contains tenet.finding(r, msg, "require_lowercase_characters") if {
	some r in policies
	tenet.bool_attr(r, "require_lowercase_characters", false) == false
	tenet.bool_attr(r, "require_uppercase_characters", false) == false
	msg := sprintf("IAM password policy %q requires no letters (neither lowercase nor uppercase)", [r.name])
}

undetermined contains tenet.finding(r, msg, a) if {
	some r in policies
	some a in ["minimum_password_length", "password_reuse_prevention", "require_numbers"]
	tenet.is_unknown(r, a)
	msg := sprintf("%s of IAM password policy %q is not known before apply", [a, r.name])
}

undetermined contains tenet.finding(r, msg, "require_lowercase_characters") if {
	some r in policies
	some a in ["require_lowercase_characters", "require_uppercase_characters"]
	tenet.is_unknown(r, a)
	not letters_required(r)
	msg := sprintf("whether IAM password policy %q requires letters is not known before apply", [r.name])
}

letters_required(r) if tenet.bool_attr(r, "require_lowercase_characters", false) == true

letters_required(r) if tenet.bool_attr(r, "require_uppercase_characters", false) == true
