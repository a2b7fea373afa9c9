# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Terraform 1.5+ / OpenTofu 1.5+: import an existing group by
# APP_ID/CONVERSATION_SHORT_ID. With a configuration that says what the API
# has, the plan imports it and changes nothing. Without the resource
# block, `terraform plan -generate-config-out=generated.tf` writes one.
import {
  to = volcrtc_conversation.oncall
  id = "100001/7000000000000000001"
}

resource "volcrtc_conversation" "oncall" {
  app_id        = 100001
  owner_user_id = 10001
  name          = "platform-oncall"
  description   = "Who gets paged for the platform"
  ext           = { team = "platform" }
}
