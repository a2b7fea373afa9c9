# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# APP_ID/CONVERSATION_SHORT_ID/LIST
terraform import volcrtc_conversation_block_list.muted 100001/7000000000000000600/muted
