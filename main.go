// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/memlimit"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// A soft memory limit that follows the live heap (internal/memlimit
	// says why); Terraform's own GOMEMLIMIT, when set, wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		defer memlimit.Manage(memlimit.Floor)()
	}
	// Terraform drops the SDK's logs unless asked for them; writing them
	// cost more than half of a plan of 2,000 members (internal/provider/sdk_logs.go).
	if err := provider.QuietSDKLogs(os.Getenv, os.Setenv); err != nil {
		log.Printf("[WARN] cannot set the SDK's log level: %v", err)
	}
	var debugger bool
	flag.BoolVar(&debugger, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debugger {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// go-plugin swallows the interrupt that Ctrl-C sends to the whole
	// process group (Terraform shuts its plugins down itself); it still
	// reaches this channel, and stops the reads in flight.
	interrupt, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	newServer := provider.NewServer(version, interrupt)
	err := tf6server.Serve("registry.terraform.io/volcrtc/volcrtc", func() tfprotov6.ProviderServer {
		s, err := newServer()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
