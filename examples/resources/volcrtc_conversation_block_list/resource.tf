# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Everyone muted in a live group, each until a time: users muted outside
# Terraform show in the plan as removals.
resource "volcrtc_conversation" "town_hall" {
  app_id              = 100001
  owner_user_id       = 10001
  type                = "live_group"
  name                = "town-hall"
  deletion_protection = false
}

resource "volcrtc_conversation_block_list" "muted" {
  app_id                = 100001
  conversation_short_id = volcrtc_conversation.town_hall.conversation_short_id
  list                  = "muted"
  participants = {
    "10002" = { until = "2030-01-01T00:00:00Z" }
    "10003" = { until = "2030-06-30T12:00:00Z" }
  }
}
