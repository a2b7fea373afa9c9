# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# One member of a group whose other members the app manages itself. Not
# for a conversation that volcrtc_conversation_members manages.
resource "volcrtc_conversation_member" "auditor" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  user_id               = 10004
  role                  = "admin"
  nick_name             = "Auditor"
}
