# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# A module under test: is the conversation's owner still a member, and who
# are the admins? tests/mocked.tftest.hcl tests it with no API and no
# emulator at all, through mock_provider, mock_data and override_data
# (Terraform 1.7 or later, OpenTofu 1.8 or later).
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

data "volcrtc_conversations" "this" {
  app_id                 = var.app_id
  conversation_short_ids = [var.conversation_short_id]
}

data "volcrtc_conversation_participants" "all" {
  app_id                = var.app_id
  conversation_short_id = var.conversation_short_id
}

locals {
  owner = one(data.volcrtc_conversations.this.conversations[*].owner_user_id)
}

output "owner_is_member" {
  value = contains(data.volcrtc_conversation_participants.all.participant_user_ids, local.owner)
}

output "admins" {
  value = [for p in data.volcrtc_conversation_participants.all.participants : p.nick_name if p.role_name == "admin"]
}
