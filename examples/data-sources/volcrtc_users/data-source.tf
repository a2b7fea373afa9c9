# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

data "volcrtc_users" "oncall" {
  app_id   = 100001
  user_ids = [10001, 10002, 9007199254740993, 4242]
}

output "humans" {
  value = [for u in data.volcrtc_users.oncall.users : u.nick_name if u.is_robot != true]
}

check "users_exist" {
  assert {
    condition     = length(data.volcrtc_users.oncall.missing_user_ids) == 0
    error_message = "Not registered: ${jsonencode(data.volcrtc_users.oncall.missing_user_ids)}"
  }
}
