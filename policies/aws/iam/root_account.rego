# METADATA
# title: The root user has MFA and no access keys
# description: >-
#   The root user can do anything in the account, including closing it, and no policy limits
#   it. Its password must be backed by MFA, and it must have no access keys: keys cannot have
#   MFA, and a leaked root key is a full takeover. This rule judges live inventory (`tenet audit
#   --provider aws` reads the account summary); Terraform does not describe the root user.
# scope: package
# custom:
#   id: aws-iam-root-account
#   check: root-account-protection
#   severity: critical
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.8.2, A.8.5]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(2)(i)", "164.312(d)"]
#     pci-dss-4.0: ["8.2.2", "8.4.1"]
#   resource_types: [aws_iam_account_summary]
#   live_only: true
#   remediation: >-
#     Sign in as root once to enable MFA (a hardware or FIDO key kept in a safe place) and
#     delete every root access key; use IAM roles for all work. In an AWS Organization, consider
#     centralised root access management, which removes member accounts' root credentials.
package rules.aws.iam.root_account

import rego.v1

import data.lib.tenet

summaries := tenet.of_input_type("aws_iam_account_summary")

deny contains tenet.finding(s, msg, "account_mfa_enabled") if {
	some s in summaries
	tenet.attr(s, "account_mfa_enabled", null) == false
	msg := sprintf("the root user of account %v has no MFA", [account(s)])
}

deny contains tenet.finding(s, msg, "account_access_keys_present") if {
	some s in summaries
	tenet.attr(s, "account_access_keys_present", null) == true
	msg := sprintf("the root user of account %v has access keys", [account(s)])
}

undetermined contains tenet.finding(s, msg, a) if {
	some s in summaries
	some a in ["account_mfa_enabled", "account_access_keys_present"]
	not is_boolean(tenet.attr(s, a, null))
	msg := sprintf("%s of account %v could not be read", [a, account(s)])
}

account(s) := s.scope.account if s.scope.account != null

account(s) := s.name if s.scope.account == null
