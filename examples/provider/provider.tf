# Copyright (c) The terraform-provider-volcrtc authors
# SPDX-License-Identifier: MPL-2.0

# Credentials usually come from the environment:
#   export VOLCENGINE_ACCESS_KEY=AKLT...
#   export VOLCENGINE_SECRET_KEY=...
provider "volcrtc" {
  region = "cn-north-1"
}
