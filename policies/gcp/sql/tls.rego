# METADATA
# title: Cloud SQL instances only accept encrypted connections
# description: >-
#   By default a Cloud SQL instance accepts both encrypted and unencrypted connections, so a
#   misconfigured client sends credentials and query results in clear text over the network.
#   Requiring TLS (ssl_mode ENCRYPTED_ONLY, or TRUSTED_CLIENT_CERTIFICATE_REQUIRED to also
#   require client certificates) protects data in transit as encryption-in-transit controls
#   require. Connections through the Cloud SQL Auth Proxy or connectors are encrypted either
#   way.
# scope: package
# custom:
#   id: gcp-sql-tls
#   check: database-tls
#   severity: high
#   resource_types: [google_sql_database_instance]
#   controls:
#     soc2: [CC6.7]
#     iso27001-2022: [A.8.24]
#     gdpr: [Art.32(1)(a)]
#     hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"]
#     pci-dss-4.0: ["4.2.1"]
#   remediation: >-
#     Set `settings { ip_configuration { ssl_mode = "ENCRYPTED_ONLY" } }` (or
#     "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"); on provider versions before 6, `require_ssl = true`.
package rules.gcp.sql.tls

import rego.v1

import data.lib.gcp
import data.lib.tenet

ip_path := "settings[0].ip_configuration[0]"

encrypted_modes := {"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}

deny contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	ip := gcp.sub_block(gcp.sql_settings(r), "ip_configuration")
	not encrypted(ip)
	not unknown(r)
	mode := tenet.get(ip, "ssl_mode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED")
	msg := sprintf("Cloud SQL instance %q accepts unencrypted connections (ssl_mode %q)", [r.name, mode])
}

undetermined contains tenet.finding(r, msg, attribute(r)) if {
	some r in tenet.of_input_type("google_sql_database_instance")
	ip := gcp.sub_block(gcp.sql_settings(r), "ip_configuration")
	not encrypted(ip)
	unknown(r)
	msg := sprintf("whether Cloud SQL instance %q requires TLS depends on values not known before apply", [r.name])
}

encrypted(ip) if upper(tenet.get(ip, "ssl_mode", "")) in encrypted_modes

encrypted(ip) if tenet.to_bool(tenet.get(ip, "require_ssl", false)) == true

unknown(r) if {
	some path in [sprintf("%s.ssl_mode", [ip_path]), sprintf("%s.require_ssl", [ip_path])]
	tenet.is_unknown(r, path)
}

attribute(r) := sprintf("%s.ssl_mode", [ip_path]) if gcp.has_sub_block(gcp.sql_settings(r), "ip_configuration")

attribute(r) := "settings" if not gcp.has_sub_block(gcp.sql_settings(r), "ip_configuration")
