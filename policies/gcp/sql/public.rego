# METADATA
# title: Cloud SQL instances do not accept connections from the whole internet
# description: >-
#   An authorized network of 0.0.0.0/0 (or ::/0) on an instance with a public IP lets anyone
#   on the internet reach the database listener, exposing it to credential stuffing and to
#   exploits of the engine. Databases holding regulated data belong on private IP, reached
#   from the application tier, or through the Cloud SQL Auth Proxy.
# scope: package
# custom:
#   id: gcp-sql-public
#   check: database-public
#   severity: critical
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: [Art.32]
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.3.1", "1.4.4"]
#   remediation: >-
#     Remove the 0.0.0.0/0 entry from `settings.ip_configuration.authorized_networks`; prefer
#     `ipv4_enabled = false` with a `private_network`, or connect through the Cloud SQL Auth
#     Proxy with IAM authentication.
package rules.gcp.sql.public

import rego.v1

import data.lib.gcp
import data.lib.tenet

ip_path := "settings[0].ip_configuration[0]"

deny contains tenet.finding(r, msg, sprintf("%s.authorized_networks[%d].value", [ip_path, i])) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	ip := gcp.sub_block(gcp.sql_settings(r), "ip_configuration")
	not tenet.is_unknown(r, sprintf("%s.ipv4_enabled", [ip_path]))
	tenet.to_bool(tenet.get(ip, "ipv4_enabled", true)) == true
	some i, n in tenet.blocks(tenet.get(ip, "authorized_networks", []))
	gcp.public_cidr(tenet.get(n, "value", ""))
	msg := sprintf("Cloud SQL instance %q has a public IP and authorizes %s", [r.name, n.value])
}

undetermined contains tenet.finding(r, msg, sprintf("%s.authorized_networks", [ip_path])) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	ip := gcp.sub_block(gcp.sql_settings(r), "ip_configuration")
	not tenet.to_bool(tenet.get(ip, "ipv4_enabled", true)) == false
	maybe_public(r, ip)
	msg := sprintf("whether Cloud SQL instance %q authorizes the whole internet depends on values not known before apply", [r.name])
}

# A public authorized network with an unknown ipv4_enabled, or unknown authorized networks (or
# an unknown settings / ip_configuration block enclosing them).
maybe_public(r, ip) if {
	tenet.is_unknown(r, sprintf("%s.ipv4_enabled", [ip_path]))
	some n in tenet.blocks(tenet.get(ip, "authorized_networks", []))
	gcp.public_cidr(tenet.get(n, "value", ""))
}

maybe_public(r, _) if {
	some u in r.unknown
	regex.match(`^settings(\[0\](\.ip_configuration(\[0\](\.authorized_networks.*)?)?)?)?$`, u)
}
