# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# The module tested with a mocked provider: no credentials, no network, no
# emulator. mock_data gives every run its defaults; override_data replaces
# one data source's values in one run. Nested lists take real values; each
# object names all its attributes (null where the test does not care),
# which OpenTofu requires.
#
#   terraform init && terraform test      # Terraform 1.7 or later
#   tofu init && tofu test                # OpenTofu 1.8 or later

mock_provider "volcrtc" {
  mock_data "volcrtc_conversations" {
    defaults = {
      conversations = [{
        conversation_short_id = 7000000000000000001
        conversation_id       = null
        conversation_type     = 2
        type_name             = "group"
        name                  = "platform-oncall"
        description           = null
        notice                = null
        avatar_url            = null
        owner_user_id         = 10001
        owner_user_id_str     = null
        creator_user_id       = 10001
        creator_user_id_str   = null
        other_user_id         = null
        other_user_id_str     = null
        inbox_type            = null
        create_time           = null
        create_time_rfc3339   = null
        modify_time           = null
        modify_time_rfc3339   = null
        status                = 0
        status_name           = "normal"
        member_count          = null
        online_count          = null
        ext                   = null
        marks                 = []
      }]
      missing_conversation_short_ids = []
    }
  }

  mock_data "volcrtc_conversation_participants" {
    defaults = {
      participant_user_ids = [10001, 10002]
      participants = [
        {
          conversation_short_id   = 7000000000000000001
          participant_user_id     = 10001
          participant_user_id_str = null
          operator                = 10001
          operator_str            = null
          role                    = 1
          role_name               = "owner"
          level                   = null
          nick_name               = "Ada"
          avatar_url              = null
          marks                   = null
          status                  = 0
          create_time             = null
          create_time_rfc3339     = null
          block_time              = null
          block_time_rfc3339      = null
          ext                     = null
        },
        {
          conversation_short_id   = 7000000000000000001
          participant_user_id     = 10002
          participant_user_id_str = null
          operator                = 10001
          operator_str            = null
          role                    = 2
          role_name               = "admin"
          level                   = null
          nick_name               = "Grace"
          avatar_url              = null
          marks                   = null
          status                  = 0
          create_time             = null
          create_time_rfc3339     = null
          block_time              = null
          block_time_rfc3339      = null
          ext                     = null
        },
      ]
      missing_user_ids = []
    }
  }
}

variables {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
}

run "owner_is_a_member" {
  command = plan

  assert {
    condition     = output.owner_is_member
    error_message = "The mocked owner 10001 is a member."
  }

  assert {
    condition     = output.admins == ["Grace"]
    error_message = "Expected Grace as the only admin, got ${jsonencode(output.admins)}."
  }
}

run "owner_has_left" {
  command = plan

  override_data {
    target = data.volcrtc_conversation_participants.all
    values = {
      participant_user_ids = [10002, 10003]
      participants = [
        {
          conversation_short_id   = 7000000000000000001
          participant_user_id     = 10002
          participant_user_id_str = null
          operator                = 10001
          operator_str            = null
          role                    = 2
          role_name               = "admin"
          level                   = null
          nick_name               = "Grace"
          avatar_url              = null
          marks                   = null
          status                  = 0
          create_time             = null
          create_time_rfc3339     = null
          block_time              = null
          block_time_rfc3339      = null
          ext                     = null
        },
        {
          conversation_short_id   = 7000000000000000001
          participant_user_id     = 10003
          participant_user_id_str = null
          operator                = 10001
          operator_str            = null
          role                    = 2
          role_name               = "admin"
          level                   = null
          nick_name               = "Linus"
          avatar_url              = null
          marks                   = null
          status                  = 0
          create_time             = null
          create_time_rfc3339     = null
          block_time              = null
          block_time_rfc3339      = null
          ext                     = null
        },
      ]
    }
  }

  assert {
    condition     = !output.owner_is_member
    error_message = "The owner is not among the overridden members."
  }

  assert {
    condition     = output.admins == ["Grace", "Linus"]
    error_message = "Expected two admins, got ${jsonencode(output.admins)}."
  }
}
