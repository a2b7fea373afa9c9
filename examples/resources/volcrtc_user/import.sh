# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# APP_ID/USER_ID
terraform import volcrtc_user.oncall_bot 100001/900001
