variable "name" {
  type        = string
  description = "Name prefix of every resource."
}

variable "cidr" {
  type        = string
  description = "CIDR block of the VPC."
  default     = "10.0.0.0/16"
}

variable "azs" {
  type        = list(string)
  description = "Availability zones to spread the subnets over."
  default     = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

variable "enable_nat_gateway" {
  type        = bool
  description = "One NAT gateway per availability zone for the private subnets."
  default     = false
}
