package rules.kubernetes.pod.image_tag_test

import rego.v1

import data.lib.kubernetes_fixtures as kf
import data.rules.kubernetes.pod.image_tag as rule

images(list) := {"containers": [{"name": sprintf("c%d", [i]), "image": image} | some i, image in list]}

test_latest_and_untagged_fire if {
	d := kf.deployment("d", images(["nginx:latest", "registry.local:5000/team/app", "nginx:1.27"]))
	attrs := {f.attribute | some f in rule.deny} with input as {"resources": [d]}
	attrs == {"spec.template.spec.containers[0].image", "spec.template.spec.containers[1].image"}
}

test_pinned_and_digests_pass if {
	p := kf.pod("p", images([
		"nginx:1.27",
		"registry.local:5000/team/app:2.0.1",
		"nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
		"nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
		"${IMAGE_URI}",
		"us-docker.pkg.dev/<PROJECT_ID>/repo/app",
	]))
	count(rule.deny) == 0 with input as {"resources": [p]}
}

test_tag_parsing if {
	rule.tag_of("a/b:c") == "c"
	rule.tag_of("host:80/b") == ""
	rule.tag_of("b") == ""
}
