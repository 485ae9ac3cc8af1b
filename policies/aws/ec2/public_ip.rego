# METADATA
# title: EC2 instances and subnets do not assign public IP addresses
# description: >-
#   A public IPv4 address makes an instance reachable from the internet as soon as a security
#   group or network ACL allows it, and bypasses the load balancers, NAT gateways and proxies
#   meant to be the only way in and out. Instances should get private addresses, with public
#   entry points kept to dedicated, hardened resources. Flags instances and launch template
#   network interfaces that request a public IP, and subnets that give every instance launched
#   in them one (`map_public_ip_on_launch`). Instances that leave the choice to their subnet
#   are judged through the subnet.
# scope: package
# custom:
#   id: aws-ec2-public-ip
#   check: public-ip
#   severity: medium
#   controls:
#     soc2: [CC6.6]
#     iso27001-2022: [A.8.20, A.8.22]
#     gdpr: []
#     hipaa: ["164.312(a)(1)"]
#     pci-dss-4.0: ["1.4.2", "1.4.4"]
#   resource_types: [aws_instance, aws_launch_template, aws_subnet]
#   remediation: >-
#     Set `associate_public_ip_address = false` on instances and launch template network
#     interfaces and `map_public_ip_on_launch = false` on subnets; reach instances through a
#     load balancer, Systems Manager Session Manager or a VPN instead.
package rules.aws.ec2.public_ip

import rego.v1

import data.lib.tenet

# Boolean settings that request a public IP: {"r", "path", "what"}.
settings contains {"r": r, "path": "associate_public_ip_address", "what": "requests a public IP address"} if {
	some r in tenet.of_input_type("aws_instance")
}

settings contains {"r": r, "path": "map_public_ip_on_launch", "what": "assigns a public IP address to every instance launched in it"} if {
	some r in tenet.of_input_type("aws_subnet")
}

settings contains {"r": r, "path": path, "what": sprintf("gives network interface %d a public IP address", [i])} if {
	some r in tenet.of_input_type("aws_launch_template")
	some i, _ in tenet.blocks(tenet.attr(r, "network_interfaces", []))
	path := sprintf("network_interfaces[%d].associate_public_ip_address", [i])
}

deny contains tenet.finding(s.r, msg, s.path) if {
	some s in settings
	not tenet.is_unknown(s.r, s.path)
	tenet.to_bool(object.get(s.r.attributes, path_keys(s.path), false)) == true
	msg := sprintf("%s %q %s", [s.r.type, s.r.name, s.what])
}

undetermined contains tenet.finding(s.r, msg, s.path) if {
	some s in settings
	tenet.is_unknown(s.r, s.path)
	msg := sprintf("%s of %s %q is not known before apply", [s.path, s.r.type, s.r.name])
}

undetermined contains tenet.finding(r, msg, "network_interfaces") if {
	some r in tenet.of_input_type("aws_launch_template")
	"network_interfaces" in r.unknown
	msg := sprintf("the network interfaces of launch template %q are not known before apply", [r.name])
}

# "network_interfaces[0].associate_public_ip_address" -> ["network_interfaces", 0, "associate_public_ip_address"]
path_keys(path) := [key |
	some part in split(regex.replace(path, `\[([0-9]+)\]`, ".$1"), ".")
	key := index_or_name(part)
]

index_or_name(part) := to_number(part) if regex.match(`^[0-9]+$`, part)

index_or_name(part) := part if not regex.match(`^[0-9]+$`, part)
