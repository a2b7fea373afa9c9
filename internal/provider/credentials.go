// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// credentialProblem says what is wrong with a credential's text, or "".
// A newline from file() or a pasted "\r\n" would otherwise reach the wire
// as an invalid header and read like a network failure.
func credentialProblem(v string) string {
	if strings.TrimSpace(v) != v {
		return "has white space at its start or end (often the newline at the end of a file read with file())"
	}
	for i, r := range v {
		if unicode.IsControl(r) {
			return fmt.Sprintf("contains a control character (%U) at byte %d", r, i+1)
		}
	}
	return ""
}

// checkCredentials reports each credential that cannot be sent as it is:
// on the attribute when it came from the provider block, naming the
// environment variable otherwise. Values are never quoted.
func checkCredentials(m providerModel, getenv func(string) string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, c := range []struct {
		attr, env string
		v         types.String
	}{
		{"access_key", EnvAccessKey, m.AccessKey},
		{"secret_key", EnvSecretKey, m.SecretKey},
		{"session_token", EnvSessionToken, m.SessionToken},
	} {
		switch {
		case c.v.IsUnknown():
		case !c.v.IsNull():
			if p := credentialProblem(c.v.ValueString()); p != "" {
				diags.AddAttributeError(path.Root(c.attr), "Invalid "+c.attr,
					fmt.Sprintf("The value of %s %s. Remove it, for example with trimspace(file(\"...\")). "+
						"The value is not shown.", c.attr, p))
			}
		default:
			if p := credentialProblem(getenv(c.env)); p != "" {
				diags.AddError("Invalid "+c.env,
					fmt.Sprintf("The environment variable %s, read because %s is not set in the provider block, %s. "+
						"Set it without the extra characters, for example VAR=\"$(tr -d '\\r\\n' < file)\". "+
						"The value is not shown.", c.env, c.attr, p))
			}
		}
	}
	return diags
}
