# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

data "volcrtc_conversations" "oncall" {
  app_id                 = 100001
  conversation_short_ids = [7000000000000000001, 4242]
  include_member_count   = true
}

output "oncall_owner" {
  value = one([for c in data.volcrtc_conversations.oncall.conversations : c.owner_user_id if c.conversation_short_id == 7000000000000000001])
}

check "conversations_exist" {
  assert {
    condition     = length(data.volcrtc_conversations.oncall.missing_conversation_short_ids) == 0
    error_message = "Unknown or dissolved: ${jsonencode(data.volcrtc_conversations.oncall.missing_conversation_short_ids)}"
  }
}
