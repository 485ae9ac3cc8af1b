# METADATA
# title: No long-lived service account token Secrets
# description: >-
#   A Secret of type `kubernetes.io/service-account-token` makes the control plane issue a
#   token for the named service account that never expires and is never rotated: it stays
#   valid until someone deletes the Secret, and anyone who ever read it (from the API, a
#   backup, a CI log or a copied kubeconfig) keeps the account's permissions. Pods get
#   short-lived, automatically rotated tokens through projected volumes instead.
# scope: package
# custom:
#   id: k8s-service-account-token-secret
#   check: secret-rotation
#   severity: medium
#   resource_types:
#     - v1/Secret
#   controls:
#     soc2: [CC6.1]
#     iso27001-2022: [A.5.17]
#     gdpr: [Art.32]
#     hipaa: ["164.308(a)(5)(ii)(D)"]
#     pci-dss-4.0: ["8.3.9", "8.6.3"]
#   remediation: >-
#     Delete the Secret and let workloads use the projected, expiring token Kubernetes mounts
#     (or a `serviceAccountToken` projected volume with an audience and expiry). External
#     clients should request short-lived tokens with `kubectl create token` or the
#     TokenRequest API.
package rules.kubernetes.secret.service_account_token

import rego.v1

import data.lib.kubernetes as k8s
import data.lib.tenet

deny contains tenet.finding(r, msg, "type") if {
	some r in input.resources
	r.provider == "kubernetes"
	k8s.group(r) == ""
	k8s.kind(r) == "Secret"
	object.get(r.attributes, "type", "") == "kubernetes.io/service-account-token"
	account := k8s.get(r.attributes, ["metadata", "annotations", "kubernetes.io/service-account.name"], "?")
	msg := sprintf("Secret %q holds a non-expiring token of service account %q (type kubernetes.io/service-account-token)", [r.name, account])
}
