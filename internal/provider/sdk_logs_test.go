// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"maps"
	"testing"
)

func TestQuietSDKLogsFollowsWhatTerraformShows(t *testing.T) {
	all := func(level string) map[string]string {
		return map[string]string{envTFLogSDK: level, envTFLogSDKProto: level, envTFLogSDKFramework: level}
	}
	for name, tc := range map[string]struct {
		env, want map[string]string
	}{
		"no log asked for":         {nil, all("OFF")},
		"TF_LOG=trace":             {map[string]string{envTFLog: "trace"}, map[string]string{}},
		"TF_LOG=JSON":              {map[string]string{envTFLog: "JSON"}, map[string]string{}},
		"TF_LOG=debug":             {map[string]string{envTFLog: "debug"}, all("DEBUG")},
		"TF_LOG_PROVIDER wins":     {map[string]string{envTFLog: "trace", envTFLogProvider: "warn"}, all("WARN")},
		"provider trace, core off": {map[string]string{envTFLog: "off", envTFLogProvider: "TRACE"}, map[string]string{}},
		"unknown level is trace":   {map[string]string{envTFLog: "verbose"}, map[string]string{}},
		"the user's own SDK level": {map[string]string{envTFLogSDKFramework: "trace"},
			map[string]string{envTFLogSDK: "OFF", envTFLogSDKProto: "OFF"}},
	} {
		t.Run(name, func(t *testing.T) {
			set := map[string]string{}
			err := QuietSDKLogs(func(k string) string { return tc.env[k] }, func(k, v string) error {
				set[k] = v
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(set, tc.want) {
				t.Errorf("set %v, want %v", set, tc.want)
			}
		})
	}
}
