# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

variable "token" {
  type        = string
  ephemeral   = true
  description = "Login token of the test user."
}

output "token" {
  value     = var.token
  ephemeral = true
  precondition {
    condition     = length(var.token) > 0
    error_message = "The app token is empty."
  }
}
