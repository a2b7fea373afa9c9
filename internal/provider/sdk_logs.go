// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import "strings"

// Terraform shows a provider's logs only at the level TF_LOG_PROVIDER, or
// else TF_LOG, asks for; the plugin writes them to its stderr regardless,
// and the SDK's own loggers default to TRACE. The framework logs at TRACE
// for every value it walks (several lines per member field per call), so
// a plan of 2,000 members wrote about 100,000 lines that Terraform parsed
// and dropped: 3 of a 7 s plan. QuietSDKLogs sets the SDK's loggers to
// the level Terraform will show, unless the user set them.

// The log settings Terraform reads, and the SDK's own (terraform-plugin-go
// and the framework).
const (
	envTFLog             = "TF_LOG"
	envTFLogProvider     = "TF_LOG_PROVIDER"
	envTFLogSDK          = "TF_LOG_SDK"
	envTFLogSDKProto     = "TF_LOG_SDK_PROTO"
	envTFLogSDKFramework = "TF_LOG_SDK_FRAMEWORK"
)

// sdkLogLevel is the most the SDK should log: what Terraform shows of the
// provider's logs, "" for everything (TRACE, JSON, or a level Terraform
// does not know, which it reads as TRACE).
func sdkLogLevel(getenv func(string) string) string {
	level := getenv(envTFLogProvider)
	if level == "" {
		level = getenv(envTFLog)
	}
	switch level = strings.ToUpper(strings.TrimSpace(level)); level {
	case "":
		return "OFF"
	case "DEBUG", "INFO", "WARN", "ERROR", "OFF":
		return level
	}
	return ""
}

// QuietSDKLogs sets each of the SDK's log levels the user left unset to
// what Terraform will show (main.go calls it before serving). setenv's
// error is returned: the provider works without it, only slower.
func QuietSDKLogs(getenv func(string) string, setenv func(key, value string) error) error {
	level := sdkLogLevel(getenv)
	if level == "" {
		return nil
	}
	for _, key := range []string{envTFLogSDK, envTFLogSDKProto, envTFLogSDKFramework} {
		if getenv(key) != "" {
			continue
		}
		if err := setenv(key, level); err != nil {
			return err
		}
	}
	return nil
}
