# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

resource "volcrtc_conversation" "oncall" {
  app_id        = 100001
  owner_user_id = 10001
  name          = "platform-oncall"
}

# Everyone in the group but its owner. Anyone else who joins (added by the
# app or by hand) shows in the next plan as a removal, by user ID.
resource "volcrtc_conversation_members" "oncall" {
  app_id                = volcrtc_conversation.oncall.app_id
  conversation_short_id = volcrtc_conversation.oncall.conversation_short_id

  members = {
    "10002" = {}
    "10003" = { nick_name = "SRE on duty", level = 2 }
    "9007199254740993" = {
      role      = "admin"
      nick_name = "deploy-bot"
      ext       = { team = "platform" }
    }
  }
}

output "admins" {
  value = [for id, m in volcrtc_conversation_members.oncall.members : id if m.role == "admin"]
}
