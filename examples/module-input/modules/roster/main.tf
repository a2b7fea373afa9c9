# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# A module that takes members keyed by user ID.
variable "members" {
  description = "Members keyed by user ID (as a string)."
  type = map(object({
    nick_name = string
    role      = string
  }))
}

output "lines" {
  description = "One line per member, sorted by user ID."
  value       = [for id in sort(keys(var.members)) : "${id}: ${coalesce(var.members[id].nick_name, "(no nickname)")} (${var.members[id].role})"]
}

output "admins" {
  description = "User IDs of admins and owners."
  value       = sort([for id, m in var.members : id if contains(["owner", "admin"], m.role)])
}
