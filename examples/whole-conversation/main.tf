# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Read a whole conversation without knowing its members: every member
# (participant_user_ids left out) feeds a module instance per member with
# for_each, the conversation's owner goes to an output, and a check block
# asserts that the owner is still a member.
terraform {
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

provider "volcrtc" {}

locals {
  app_id       = 100001
  conversation = 7000000000000000001
}

data "volcrtc_conversations" "this" {
  app_id                 = local.app_id
  conversation_short_ids = [local.conversation]
  include_member_count   = true
}

# No participant_user_ids: every member, page by page, in join order.
data "volcrtc_conversation_participants" "all" {
  app_id                = local.app_id
  conversation_short_id = local.conversation
}

module "member" {
  source   = "./modules/member"
  for_each = { for p in data.volcrtc_conversation_participants.all.participants : tostring(p.participant_user_id) => p }

  user_id   = each.value.participant_user_id
  nick_name = each.value.nick_name
  role      = each.value.role_name
}

locals {
  conversation_info = data.volcrtc_conversations.this.conversations[0]
}

output "conversation_name" {
  value = local.conversation_info.name
}

output "owner_user_id" {
  value = local.conversation_info.owner_user_id
}

output "member_count" {
  value = local.conversation_info.member_count
}

output "badges" {
  value = [for m in module.member : m.badge]
}

check "owner_is_a_member" {
  assert {
    condition     = contains(data.volcrtc_conversation_participants.all.participant_user_ids, local.conversation_info.owner_user_id)
    error_message = "The owner ${local.conversation_info.owner_user_id} of ${local.conversation_info.name} is not a member."
  }
}
