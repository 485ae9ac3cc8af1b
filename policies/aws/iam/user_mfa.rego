# METADATA
# title: IAM users who can sign in to the console have MFA
# description: >-
#   A console password alone falls to phishing, reuse from other breaches and guessing. An IAM
#   user with a login profile and no MFA device is one stolen password away from the console.
#   This rule judges live inventory (`tenet audit --provider aws`), which reads each user's login
#   profile and MFA devices; Terraform does not describe them.
# scope: package
# custom:
#   id: aws-iam-user-mfa
#   check: user-mfa
#   severity: high
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17, A.8.5]
#     gdpr: [Art.32]
#     hipaa: ["164.312(d)"]
#     pci-dss-4.0: ["8.4.1", "8.4.2"]
#   resource_types: [aws_iam_user]
#   live_only: true
#   remediation: >-
#     Enable an MFA device for the user (a FIDO security key, or a virtual authenticator), or
#     delete the login profile if the user never signs in to the console. Better, move people
#     to IAM Identity Center with MFA enforced and keep IAM users for none.
package rules.aws.iam.user_mfa

import rego.v1

import data.lib.tenet

users := tenet.of_input_type("aws_iam_user")

deny contains tenet.finding(u, msg, "mfa_devices") if {
	some u in users
	tenet.attr(u, "console_password", false) == true
	not tenet.is_unknown(u, "mfa_devices")
	count(tenet.attr(u, "mfa_devices", [])) == 0
	msg := sprintf("IAM user %q can sign in to the console with a password and has no MFA device", [u.name])
}

# Undetermined only where a failure is still possible: the password is unknown and MFA is
# absent or unknown, or MFA is unknown and the password is there or unknown.
undetermined contains tenet.finding(u, msg, "console_password") if {
	some u in users
	tenet.is_unknown(u, "console_password")
	not has_mfa(u)
	msg := sprintf("whether IAM user %q can sign in to the console is not known (its login profile could not be read)", [u.name])
}

undetermined contains tenet.finding(u, msg, "mfa_devices") if {
	some u in users
	tenet.is_unknown(u, "mfa_devices")
	not tenet.attr(u, "console_password", false) == false
	msg := sprintf("whether IAM user %q has MFA is not known (its MFA devices could not be read)", [u.name])
}

has_mfa(u) if count(tenet.attr(u, "mfa_devices", [])) > 0
