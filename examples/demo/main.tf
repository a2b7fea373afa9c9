# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# The configuration `make demo` plans and applies: members by ID, every
# member, the conversation itself, the members' profiles and the muted
# list. Credentials and the endpoint come from the environment
# (VOLCENGINE_*).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

variable "app_id" {
  description = "RTC application ID."
  type        = number
  default     = 100001
}

variable "conversation_short_id" {
  description = "Conversation to read."
  type        = number
  default     = 7000000000000000001
}

variable "participant_user_ids" {
  description = "Members to read; 4242 is not a member of the demo conversation."
  type        = list(number)
  default     = [9007199254740993, 10001, 10002, 4242]
}

provider "volcrtc" {}

data "volcrtc_conversation_participants" "team" {
  app_id                = var.app_id
  conversation_short_id = var.conversation_short_id
  participant_user_ids  = var.participant_user_ids
}

output "members" {
  description = "Members in the order requested."
  value = [
    for p in data.volcrtc_conversation_participants.team.participants : {
      user_id   = p.participant_user_id
      nick_name = p.nick_name
      role      = p.role_name
      joined    = p.create_time_rfc3339
      muted_til = p.block_time_rfc3339
    }
  ]
}

output "nick_name_by_user_id" {
  description = "A map keyed by user ID, the shape other modules usually want."
  value       = { for p in data.volcrtc_conversation_participants.team.participants : tostring(p.participant_user_id) => p.nick_name }
}

output "missing_user_ids" {
  description = "Requested users who are not members."
  value       = data.volcrtc_conversation_participants.team.missing_user_ids
}

check "everyone_is_a_member" {
  assert {
    condition     = length(data.volcrtc_conversation_participants.team.missing_user_ids) == 0
    error_message = "Not members of the conversation: ${join(", ", [for id in data.volcrtc_conversation_participants.team.missing_user_ids : tostring(id)])}."
  }
}

# Every member, without knowing their IDs (participant_user_ids left out).
data "volcrtc_conversation_participants" "everyone" {
  app_id                = var.app_id
  conversation_short_id = var.conversation_short_id
}

output "all_member_ids" {
  description = "Every member's user ID, in join order."
  value       = data.volcrtc_conversation_participants.everyone.participant_user_ids
}

# The conversation itself.
data "volcrtc_conversations" "this" {
  app_id                 = var.app_id
  conversation_short_ids = [var.conversation_short_id]
  include_member_count   = true
}

output "conversation" {
  description = "Name, type, owner and member count of the conversation."
  value = {
    for c in data.volcrtc_conversations.this.conversations : c.name => {
      type          = c.type_name
      owner_user_id = c.owner_user_id
      member_count  = c.member_count
      created       = c.create_time_rfc3339
    }
  }
}

# Who the members are: their profiles, joined to the members by user ID.
data "volcrtc_users" "members" {
  app_id   = var.app_id
  user_ids = data.volcrtc_conversation_participants.everyone.participant_user_ids
}

locals {
  profiles = { for u in data.volcrtc_users.members.users : tostring(u.user_id) => u }
}

output "member_profiles" {
  description = "Every member with their profile: nickname in the conversation, user nickname, robot or not."
  value = [
    for p in data.volcrtc_conversation_participants.everyone.participants : {
      user_id      = p.participant_user_id
      role         = p.role_name
      nick_name    = p.nick_name
      profile_name = try(local.profiles[tostring(p.participant_user_id)].nick_name, null)
      is_robot     = try(local.profiles[tostring(p.participant_user_id)].is_robot, null)
    }
  ]
}

# Who may not speak.
data "volcrtc_conversation_block_list" "muted" {
  app_id                = var.app_id
  conversation_short_id = var.conversation_short_id
  list                  = "muted"
}

output "muted" {
  description = "Muted members and until when."
  value       = { for p in data.volcrtc_conversation_block_list.muted.participants : tostring(p.participant_user_id) => p.block_time_rfc3339 }
}
