# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Warn, without failing the run, when a requested user is not a member.
terraform {
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

provider "volcrtc" {}

variable "expected_members" {
  description = "Users who should be members of the on-call conversation."
  type        = list(number)
  default     = [10001, 10002, 4242]
}

data "volcrtc_conversation_participants" "on_call" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = var.expected_members
}

check "expected_members_present" {
  assert {
    condition     = length(data.volcrtc_conversation_participants.on_call.missing_user_ids) == 0
    error_message = "Not in the on-call conversation: ${jsonencode(data.volcrtc_conversation_participants.on_call.missing_user_ids)}."
  }
}

output "missing_user_ids" {
  value = data.volcrtc_conversation_participants.on_call.missing_user_ids
}
