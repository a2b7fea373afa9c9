# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# A module under test: it reports which of the given users are admins.
# tests/members.tftest.hcl runs it offline against the bundled emulator.
terraform {
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

variable "app_id" {
  type = number
}

variable "conversation_short_id" {
  type = number
}

variable "user_ids" {
  type = list(number)
}

data "volcrtc_conversation_participants" "this" {
  app_id                = var.app_id
  conversation_short_id = var.conversation_short_id
  participant_user_ids  = var.user_ids
}

output "admin_user_ids" {
  value = [for p in data.volcrtc_conversation_participants.this.participants : p.participant_user_id if p.role_name != "member"]
}

output "missing_user_ids" {
  value = data.volcrtc_conversation_participants.this.missing_user_ids
}
