// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// memoryLimit is the plugin's soft memory limit. A read of 100,000 members
// holds about 100 MB of live records and state; by default Go lets the
// heap grow to twice the live size before collecting, which put the
// plugin above 200 MB. Near the limit the collector runs more often
// instead (at most half the CPU), so CI runners with little memory stay
// safe. Terraform's own GOMEMLIMIT, when set, wins.
const memoryLimit = 160 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
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
