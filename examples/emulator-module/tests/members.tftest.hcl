# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Offline test of the module against the emulator:
#
#   volcrtc-emulator -listen 127.0.0.1:8787 -fixtures ../demo/fixtures.json &
#   export VOLCENGINE_ENDPOINT=http://127.0.0.1:8787/
#   export VOLCENGINE_ACCESS_KEY=AKLTDEMO00000000000000000001
#   export VOLCENGINE_SECRET_KEY=demo-secret-key-for-the-emulator-only
#   terraform init && terraform test      # or: tofu init && tofu test
#
# The provider reads endpoint and credentials from the environment; a
# provider block here could set them instead.

variables {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
}

run "admins_are_found" {
  command = apply

  variables {
    user_ids = [10001, 10002, 9007199254740993]
  }

  assert {
    condition     = output.admin_user_ids == [10001, 9007199254740993]
    error_message = "Expected the owner and the admin, got ${jsonencode(output.admin_user_ids)}."
  }

  assert {
    condition     = length(output.missing_user_ids) == 0
    error_message = "Every requested user is a member of the demo conversation."
  }
}

run "non_members_are_reported" {
  command = apply

  variables {
    user_ids = [4242, 10002]
  }

  assert {
    condition     = output.missing_user_ids == tolist([4242])
    error_message = "4242 is not a member and must be reported."
  }
}
