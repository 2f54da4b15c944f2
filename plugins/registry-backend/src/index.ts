/*
 * Keeper backend: the Terraform/OpenTofu module registry protocol, a Helm chart repository and OPA bundles, served from merged versions; registry tokens
 */
export {};
