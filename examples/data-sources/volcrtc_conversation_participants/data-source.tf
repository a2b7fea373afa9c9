# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

data "volcrtc_conversation_participants" "team" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001, 10002, 4242]
}

# Members keyed by user ID, for other modules.
output "members_by_user_id" {
  value = { for p in data.volcrtc_conversation_participants.team.participants : tostring(p.participant_user_id) => p }
}

# Warn, without failing the run, when a requested user is not a member.
check "all_members_present" {
  assert {
    condition     = length(data.volcrtc_conversation_participants.team.missing_user_ids) == 0
    error_message = "Not members: ${jsonencode(data.volcrtc_conversation_participants.team.missing_user_ids)}"
  }
}

# Leave participant_user_ids out to read every member, in join order.
data "volcrtc_conversation_participants" "everyone" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
}

output "member_count" {
  value = length(data.volcrtc_conversation_participants.everyone.participant_user_ids)
}
