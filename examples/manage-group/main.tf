# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# A team's group managed as code: the conversation, a bot registered here,
# everyone in it, the bot by reference (an authoritative list: anyone added
# outside Terraform shows in the plan as a removal), and one member added to
# a conversation the app manages itself.
# tests/mocked.tftest.hcl tests this module with no API at all.
terraform {
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

variable "app_id" {
  type    = number
  default = 100001
}

variable "owner_user_id" {
  type        = number
  default     = 10001
  description = "Owns the group; changing it transfers ownership in place."
}

variable "name" {
  type    = string
  default = "platform-team"
}

variable "members" {
  description = "Everyone in the group but its owner, by user ID."
  type = map(object({
    role      = optional(string, "member")
    nick_name = optional(string)
  }))
  default = {
    "10002"            = {}
    "9007199254740993" = { role = "admin", nick_name = "deploy-bot" }
  }
}

variable "notifier_user_id" {
  type        = number
  default     = 900001
  description = "The deploy notifier bot, registered by this module."
}

variable "oncall_conversation_short_id" {
  type        = number
  default     = 7000000000000000001
  description = "A group the app manages itself, where only the auditor is managed here."
}

resource "volcrtc_conversation" "team" {
  app_id        = var.app_id
  owner_user_id = var.owner_user_id
  name          = var.name
  description   = "Managed by Terraform"
  ext           = { managed_by = "terraform" }
  # deletion_protection stays on (the default): set it to false and apply
  # before destroying the group.
}

# A bot account: registered, its profile managed, unregistered only after
# deletion_protection is turned off.
resource "volcrtc_user" "notifier" {
  app_id    = var.app_id
  user_id   = var.notifier_user_id
  nick_name = "deploy-notifier"
  tags      = ["bot"]
  is_robot  = true
}

resource "volcrtc_conversation_members" "team" {
  app_id                = volcrtc_conversation.team.app_id
  conversation_short_id = volcrtc_conversation.team.conversation_short_id
  members = merge({ for id, m in var.members : id => {
    role      = m.role
    nick_name = m.nick_name
    } }, {
    # The bot, by reference: it joins once it is registered.
    (tostring(volcrtc_user.notifier.user_id)) = { role = "member", nick_name = volcrtc_user.notifier.nick_name }
  })
}

# One member of another group: the rest of its members are left alone.
resource "volcrtc_conversation_member" "auditor" {
  app_id                = var.app_id
  conversation_short_id = var.oncall_conversation_short_id
  user_id               = 10004
  nick_name             = "Auditor"
}

output "team" {
  value = {
    id                    = volcrtc_conversation.team.id
    conversation_short_id = volcrtc_conversation.team.conversation_short_id
    name                  = volcrtc_conversation.team.name
    owner_user_id         = volcrtc_conversation.team.owner_user_id
  }
}

output "admins" {
  value = sort([for id, m in volcrtc_conversation_members.team.members : id if m.role == "admin"])
}

output "member_count" {
  description = "Members with the owner."
  value       = length(volcrtc_conversation_members.team.members) + 1
}

output "notifier" {
  value = "${volcrtc_user.notifier.id} ${volcrtc_user.notifier.is_robot ? "bot" : "user"} in the team as ${volcrtc_conversation_members.team.members[tostring(volcrtc_user.notifier.user_id)].role}"
}

output "auditor" {
  value = "${volcrtc_conversation_member.auditor.user_id} in ${volcrtc_conversation_member.auditor.conversation_short_id} (${volcrtc_conversation_member.auditor.role})"
}
