# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# A login token for a test user, never written to the plan or the state:
# hand it to whatever logs in, through an ephemeral variable or a provider.
ephemeral "volcrtc_app_token" "test_user" {
  app_id    = 100001
  user_id   = 10001
  valid_for = "2h"
}

module "smoke_test" {
  source = "./smoke-test"
  token  = ephemeral.volcrtc_app_token.test_user.token
}
