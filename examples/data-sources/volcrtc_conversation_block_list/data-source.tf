# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

data "volcrtc_conversation_block_list" "muted" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  list                  = "muted"
}

output "muted_until" {
  value = { for p in data.volcrtc_conversation_block_list.muted.participants : tostring(p.participant_user_id) => p.block_time_rfc3339 }
}
