# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Read members and export them as outputs.
terraform {
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

provider "volcrtc" {}

data "volcrtc_conversation_participants" "team" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001, 10002, 9007199254740993]
}

output "members" {
  description = "Each member's ID, nickname and role, in request order."
  value = [
    for p in data.volcrtc_conversation_participants.team.participants : {
      user_id   = p.participant_user_id
      nick_name = p.nick_name
      role      = p.role_name
    }
  ]
}

output "owner_user_ids" {
  description = "Members who own the conversation."
  value       = [for p in data.volcrtc_conversation_participants.team.participants : p.participant_user_id if p.role_name == "owner"]
}

output "member_count" {
  value = length(data.volcrtc_conversation_participants.team.participants)
}
