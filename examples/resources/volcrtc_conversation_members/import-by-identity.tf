# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Terraform 1.12+ / OpenTofu 1.12+: import every current member but the
# owner of an existing group by its identity.
import {
  to = volcrtc_conversation_members.platform
  identity = {
    app_id                = 100001
    conversation_short_id = 7000000000000000001
  }
}

resource "volcrtc_conversation_members" "platform" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001

  members = {
    "10002"            = { nick_name = "NickName2", level = 20, ext = { key = "value" } }
    "9007199254740993" = { role = "admin", nick_name = "Admin with an ID above 2^53" }
  }
}
