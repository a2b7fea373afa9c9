# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Credentials, region and endpoint all come from the environment:
#
#   export VOLCENGINE_ACCESS_KEY=AKLT...
#   export VOLCENGINE_SECRET_KEY=...
#   export VOLCENGINE_SESSION_TOKEN=...   # only for STS credentials
#   export VOLCENGINE_REGION=cn-north-1   # or ap-southeast-1
#
# Nothing secret is written in the configuration. A value set in the
# provider block would win over the environment.
terraform {
  required_providers {
    volcrtc = {
      source = "volcrtc/volcrtc"
    }
  }
}

provider "volcrtc" {}

data "volcrtc_conversation_participants" "team" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001]
}

output "nick_name" {
  value = one(data.volcrtc_conversation_participants.team.participants[*].nick_name)
}
