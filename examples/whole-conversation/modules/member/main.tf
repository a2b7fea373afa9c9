# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# One instance per member: stands for whatever a module does per person
# (an on-call entry, a dashboard user, an access rule).
variable "user_id" {
  type = number
}

variable "nick_name" {
  type = string
}

variable "role" {
  type = string
}

output "badge" {
  value = "${var.user_id}: ${coalesce(var.nick_name, "(no nickname)")} [${var.role}]"
}
