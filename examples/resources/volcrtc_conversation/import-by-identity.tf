# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Terraform 1.12+ / OpenTofu 1.12+: import an existing group by its
# identity, the two numbers instead of one "APP_ID/CONVERSATION_SHORT_ID"
# string. The plan imports it and, with a configuration that says what the
# API has, changes nothing.
import {
  to = volcrtc_conversation.oncall
  identity = {
    app_id                = 100001
    conversation_short_id = 7000000000000000001
  }
}

resource "volcrtc_conversation" "oncall" {
  app_id        = 100001
  owner_user_id = 10001
  name          = "platform-oncall"
  description   = "Who gets paged for the platform"
  ext           = { team = "platform" }
}
