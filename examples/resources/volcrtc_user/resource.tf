# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# An on-call bot. Attributes left out (here portrait) keep whatever the API
# has; deletion_protection stays on, so a plan never unregisters it by accident.
resource "volcrtc_user" "oncall_bot" {
  app_id    = 100001
  user_id   = 900001
  nick_name = "On-call bot"
  tags      = ["bot", "oncall"]
  ext       = { team = "sre" }
  is_robot  = true
}
