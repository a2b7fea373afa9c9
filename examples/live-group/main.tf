# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# An all-hands live group as code: the group, who may speak while it is
# muted (the speaker whitelist), and who is kept out until when (the block
# list). Both lists are authoritative: anyone added outside Terraform shows
# in the plan as a removal.
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

variable "speakers" {
  description = "Who may speak while the live group is muted, by user ID."
  type        = set(number)
  default     = [10001, 10002]
}

variable "blocked" {
  description = "Users kept out of the live group, by user ID, with when that ends."
  type        = map(string)
  default = {
    "10666" = "2030-01-01T00:00:00Z"
  }
}

resource "volcrtc_conversation" "all_hands" {
  app_id              = var.app_id
  owner_user_id       = 10001
  type                = "live_group"
  name                = "all-hands"
  deletion_protection = false
}

resource "volcrtc_conversation_whitelist" "speakers" {
  app_id                = var.app_id
  conversation_short_id = volcrtc_conversation.all_hands.conversation_short_id
  operator_user_id      = volcrtc_conversation.all_hands.owner_user_id
  user_ids              = var.speakers
}

resource "volcrtc_conversation_block_list" "blocked" {
  app_id                = var.app_id
  conversation_short_id = volcrtc_conversation.all_hands.conversation_short_id
  list                  = "blocked"
  participants          = { for id, until in var.blocked : id => { until = until } }
}

output "speakers" {
  value = sort([for id in volcrtc_conversation_whitelist.speakers.user_ids : tostring(id)])
}

output "blocked_until" {
  value = { for id, p in volcrtc_conversation_block_list.blocked.participants : id => p.until }
}
