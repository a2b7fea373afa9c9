# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# The module tested with a mocked provider: no credentials, no network, no
# emulator, nothing created. mock_resource gives the values the API would
# compute; the rest comes from the module's own configuration.
#
#   terraform init && terraform test      # Terraform 1.7 or later
#   tofu init && tofu test                # OpenTofu 1.8 or later

mock_provider "volcrtc" {
  mock_resource "volcrtc_conversation" {
    defaults = {
      id                     = "100001/7000000000000000099"
      conversation_short_id  = 7000000000000000099
      conversation_id        = "0:1:10001:7000000000000000099"
      creator_user_id        = 10001
      create_time            = 1700000000
      create_time_rfc3339    = "2023-11-14T22:13:20Z"
      create_idempotency_key = "tf-mocked"
      type                   = "group"
      inbox_type             = 0
      deletion_protection    = true
    }
  }

  mock_resource "volcrtc_user" {
    defaults = {
      id = "100001/900001"
    }
  }

  mock_resource "volcrtc_conversation_member" {
    defaults = {
      id   = "100001/7000000000000000001/10004"
      role = "member"
    }
  }
}

run "creates_the_group_and_its_members" {
  assert {
    condition     = output.team.conversation_short_id == 7000000000000000099
    error_message = "The members resource must use the new conversation's ID, got ${output.team.conversation_short_id}."
  }

  assert {
    condition     = volcrtc_conversation_members.team.conversation_short_id == volcrtc_conversation.team.conversation_short_id
    error_message = "The members belong to the group this module creates."
  }

  assert {
    condition     = volcrtc_conversation.team.deletion_protection
    error_message = "The group is protected from destroy."
  }

  assert {
    condition     = output.admins == tolist(["9007199254740993"])
    error_message = "Expected the deploy bot as the only admin, got ${jsonencode(output.admins)}."
  }

  assert {
    condition     = output.auditor == "10004 in 7000000000000000001 (member)"
    error_message = "Unexpected auditor: ${output.auditor}."
  }

  assert {
    condition     = output.notifier == "100001/900001 bot in the team as member"
    error_message = "The bot joins the group by reference, got ${output.notifier}."
  }
}

run "ownership_moves_to_a_member" {
  variables {
    owner_user_id = 10002
    members = {
      "10001"            = { role = "admin" }
      "9007199254740993" = { role = "admin", nick_name = "deploy-bot" }
    }
  }

  assert {
    condition     = output.team.owner_user_id == 10002 && !contains(keys(volcrtc_conversation_members.team.members), "10002")
    error_message = "The new owner is not listed among the members."
  }

  assert {
    condition     = output.admins == tolist(["10001", "9007199254740993"]) && output.member_count == 4
    error_message = "Expected two admins and four people, got ${jsonencode(output.admins)} and ${output.member_count}."
  }
}
