# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

resource "volcrtc_conversation" "town_hall" {
  app_id              = 100001
  owner_user_id       = 10001
  type                = "live_group"
  name                = "town-hall"
  deletion_protection = false
}

data "volcrtc_conversation_whitelist" "speakers" {
  app_id                = 100001
  conversation_short_id = volcrtc_conversation.town_hall.conversation_short_id
}

output "speaker_ids" {
  value = [for p in data.volcrtc_conversation_whitelist.speakers.participants : p.participant_user_id]
}
