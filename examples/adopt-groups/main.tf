# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Adopt existing groups, and their members, in one apply: `import` blocks
# with for_each (Terraform 1.7+, OpenTofu 1.7+) over a map of
# APP_ID/CONVERSATION_SHORT_ID. The apply imports every group and member
# list and writes nothing; with a configuration that says what the API has,
# the plan after it is empty. Where the configuration differs, the plan
# shows only the differences, to apply when you mean them.
terraform {
  required_version = ">= 1.7.0"
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}

variable "group_ids" {
  description = "The groups to adopt: a name of your choice to APP_ID/CONVERSATION_SHORT_ID."
  type        = map(string)
  default = {
    payments = "100001/7000000000000000101"
    search   = "100001/7000000000000000102"
    storage  = "100001/7000000000000000103"
  }
}

# What each group should be; here, what the groups have now.
locals {
  groups = {
    payments = {
      owner_user_id = 10001
      name          = "payments-oncall"
      description   = "Who gets paged for \"payments\""
      notice        = null
      ext           = { team = "payments" }
      members = {
        "10002"            = { role = "member", nick_name = "Quote \" and $${not_a_template}", level = 3, ext = { k = "%%{ if x }" } }
        "9007199254740993" = { role = "admin", nick_name = "deploy-bot", level = null, ext = null }
      }
    }
    search = {
      owner_user_id = 10001
      name          = "search-oncall"
      description   = null
      notice        = null
      ext           = null
      members = {
        "10003" = { role = "member", nick_name = null, level = null, ext = null }
      }
    }
    storage = {
      owner_user_id = 9007199254740993
      name          = "storage-oncall"
      description   = null
      notice        = "Runbook: $${RUNBOOK_URL}"
      ext           = null
      members = {
        "10001" = { role = "admin", nick_name = null, level = null, ext = null }
      }
    }
  }
}

import {
  for_each = var.group_ids
  to       = volcrtc_conversation.group[each.key]
  id       = each.value
}

import {
  for_each = var.group_ids
  to       = volcrtc_conversation_members.group[each.key]
  id       = each.value
}

resource "volcrtc_conversation" "group" {
  for_each      = var.group_ids
  app_id        = tonumber(split("/", each.value)[0])
  owner_user_id = local.groups[each.key].owner_user_id
  name          = local.groups[each.key].name
  description   = local.groups[each.key].description
  notice        = local.groups[each.key].notice
  ext           = local.groups[each.key].ext
}

resource "volcrtc_conversation_members" "group" {
  for_each              = var.group_ids
  app_id                = volcrtc_conversation.group[each.key].app_id
  conversation_short_id = volcrtc_conversation.group[each.key].conversation_short_id
  members               = local.groups[each.key].members
}

output "adopted" {
  description = "Each adopted group's ID and how many members, owner aside, Terraform now manages."
  value = { for k, g in volcrtc_conversation.group : k => {
    id      = g.id
    members = length(volcrtc_conversation_members.group[k].members)
  } }
}
