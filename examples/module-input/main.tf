# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Feed members into another module as a map keyed by user ID, built with a
# `for` expression (the data source keeps one list; the map is derived).
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
  participant_user_ids  = [10001, 10002, 9007199254740993]
}

module "roster" {
  source = "./modules/roster"

  members = {
    for p in data.volcrtc_conversation_participants.team.participants :
    tostring(p.participant_user_id) => {
      nick_name = p.nick_name
      role      = p.role_name
    }
  }
}

output "roster" {
  value = module.roster.lines
}

output "admins" {
  value = module.roster.admins
}
