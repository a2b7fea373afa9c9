# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Every conversation a service account is in.
data "volcrtc_user_conversations" "bot" {
  app_id              = 100001
  participant_user_id = 10001
}

output "bot_conversations" {
  value = { for c in data.volcrtc_user_conversations.bot.conversations : tostring(c.conversation_short_id) => c.name }
}
