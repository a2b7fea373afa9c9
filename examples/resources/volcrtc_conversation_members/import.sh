# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# APP_ID/CONVERSATION_SHORT_ID: every current member but the owner is imported.
terraform import volcrtc_conversation_members.oncall 100001/7000000000000000001
