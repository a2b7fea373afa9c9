# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Terraform 1.12+ / OpenTofu 1.12+: import one existing member by the
# identity's three numbers.
import {
  to = volcrtc_conversation_member.nick
  identity = {
    app_id                = 100001
    conversation_short_id = 7000000000000000001
    user_id               = 10002
  }
}

resource "volcrtc_conversation_member" "nick" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  user_id               = 10002
  nick_name             = "NickName2"
  level                 = 20
  ext                   = { key = "value" }
}
