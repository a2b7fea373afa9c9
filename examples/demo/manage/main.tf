# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# The second half of `make demo`, against the emulator only: a group and
# its members. The demo then has user 4242 join outside Terraform, plans
# (the plan removes 4242 by user ID), applies, and destroys the group.
terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}

resource "volcrtc_conversation" "demo" {
  app_id        = 100001
  owner_user_id = 10001
  name          = "demo-team"

  # Only so that the demo can destroy what it made: keep the default
  # (true) for groups that matter.
  deletion_protection = false
}

# Every member but the owner: anyone else who joins shows in the plan as a
# removal.
resource "volcrtc_conversation_members" "demo" {
  app_id                = volcrtc_conversation.demo.app_id
  conversation_short_id = volcrtc_conversation.demo.conversation_short_id
  members = {
    "10002"            = { nick_name = "Grace" }
    "9007199254740993" = { role = "admin", nick_name = "deploy-bot" }
  }
}

output "conversation_short_id" {
  value = volcrtc_conversation.demo.conversation_short_id
}
