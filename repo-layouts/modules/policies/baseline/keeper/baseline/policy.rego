package keeper.baseline

import rego.v1

deny contains msg if {
	some container in input.request.object.spec.containers
	container.securityContext.privileged
	msg := sprintf("container %s must not be privileged", [container.name])
}

deny contains msg if {
	some container in input.request.object.spec.containers
	endswith(container.image, ":latest")
	msg := sprintf("container %s uses the latest tag", [container.name])
}

deny contains msg if {
	some container in input.request.object.spec.containers
	not allowed_registry(container.image)
	msg := sprintf("image %s is not from an allowed registry", [container.image])
}

allowed_registry(image) if {
	some prefix in data.keeper.baseline.allowed_registries
	startswith(image, prefix)
}
