# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# APP_ID/CONVERSATION_SHORT_ID
terraform import volcrtc_conversation_whitelist.speakers 100001/7000000000000000600
