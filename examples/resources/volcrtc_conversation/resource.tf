# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

resource "volcrtc_conversation" "incident" {
  app_id        = 100001
  owner_user_id = 10001 # changing it transfers ownership in place
  name          = "incident-room"
  description   = "Open during an incident"
  notice        = "Status updates every 30 minutes"
  ext           = { team = "platform", severity = "sev2" }
  marks         = ["official"] # authoritative; leave it out to leave marks alone

  # Optional: a key of your own makes even an apply repeated after a crash
  # find the conversation the first one created, instead of creating another.
  idempotency_key = "incident-room-v1"

  # On by default: a destroy or a replacement is refused at plan time.
  # To destroy the conversation, set this to false, apply, then destroy.
  deletion_protection = true
}

output "incident_conversation_short_id" {
  value = volcrtc_conversation.incident.conversation_short_id
}
