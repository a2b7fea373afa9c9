# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Who may speak while a live group is muted: users added outside
# Terraform show in the plan as removals.
resource "volcrtc_conversation" "town_hall" {
  app_id              = 100001
  owner_user_id       = 10001
  type                = "live_group"
  name                = "town-hall"
  deletion_protection = false
}

resource "volcrtc_conversation_whitelist" "speakers" {
  app_id                = 100001
  conversation_short_id = volcrtc_conversation.town_hall.conversation_short_id
  operator_user_id      = 10001
  user_ids              = [10001, 10002]
}
