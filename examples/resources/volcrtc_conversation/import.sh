# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# APP_ID/CONVERSATION_SHORT_ID. An imported conversation starts with
# deletion_protection = true.
terraform import volcrtc_conversation.oncall 100001/7000000000000000001
