// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package e2e runs the built provider binary through a real Terraform or
// OpenTofu CLI with dev_overrides, as users do: the examples, the module
// test suite, and Ctrl-C during a plan. Like acceptance tests, these need
// TF_ACC=1 (make testall sets it), and use the CLI in TF_ACC_TERRAFORM_PATH
// or, as terraform-plugin-testing does, terraform or tofu from PATH.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

const (
	demoAccessKey = "AKLTDEMO00000000000000000001"
	demoSecretKey = "demo-secret-key-for-the-emulator-only"
)

// pluginDir holds the provider binary built once for all tests.
var pluginDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run() // every test skips itself
	}
	dir, err := os.MkdirTemp("", "volcrtc-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-volcrtc"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the provider: %v\n%s", err, out)
		return 1
	}
	pluginDir = dir
	return m.Run()
}

// cli is one CLI working directory wired to an emulator.
type cli struct {
	t      *testing.T
	bin    string
	dir    string
	env    []string
	emu    *emulator.Server
	emuURL string
	name   string // "terraform" or "tofu"
}

func requireCLI(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("end-to-end tests run with TF_ACC=1 (make testall)")
	}
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	for _, name := range []string{"terraform", "tofu"} {
		if bin, err := exec.LookPath(name); err == nil {
			return bin
		}
	}
	t.Fatal("no CLI: set TF_ACC_TERRAFORM_PATH, or put terraform or tofu on PATH")
	return ""
}

// newCLI copies the example directory src into a temporary directory and
// points the CLI at an emulator serving opts and the demo fixtures.
func newCLI(t *testing.T, src string, opts emulator.Options) *cli {
	t.Helper()
	fx, err := emulator.LoadFixtures("../../examples/demo/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	return newCLIWith(t, src, fx, opts)
}

// newCLIWith is newCLI with the emulator serving fx.
func newCLIWith(t *testing.T, src string, fx emulator.Fixtures, opts emulator.Options) *cli {
	t.Helper()
	bin := requireCLI(t)
	emu, emuURL := emulatortest.Start(t, fx, opts)

	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	// Snippets for the docs leave out the terraform block; give them one.
	if !containsRequiredProviders(t, dir) {
		const block = "terraform {\n  required_providers {\n    volcrtc = { source = \"volcrtc/volcrtc\" }\n  }\n}\n"
		if err := os.WriteFile(filepath.Join(dir, "zz_providers.tf"), []byte(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	rc := filepath.Join(dir, ".cli.tfrc")
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/volcrtc/volcrtc" = %q
    "registry.opentofu.org/volcrtc/volcrtc" = %q
  }
  direct {}
}
`, pluginDir, pluginDir)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"VOLCENGINE_ACCESS_KEY=" + demoAccessKey, "VOLCENGINE_SECRET_KEY=" + demoSecretKey, "VOLCENGINE_ENDPOINT=" + emuURL,
		"VOLCRTC_BUDGET_DIR=" + filepath.Join(dir, ".budget")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VOLCENGINE_") && !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "VOLCRTC_BUDGET_DIR=") {
			env = append(env, kv)
		}
	}
	name := "terraform"
	if strings.Contains(filepath.Base(bin), "tofu") {
		name = "tofu"
	}
	return &cli{t: t, bin: bin, dir: dir, env: env, emu: emu, name: name, emuURL: emuURL}
}

// beside is a second CLI working directory, a copy of src, on the same
// emulator and environment.
func (c *cli) beside(t *testing.T, src string) *cli {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".cli.tfrc"), mustRead(t, filepath.Join(c.dir, ".cli.tfrc")), 0o600); err != nil {
		t.Fatal(err)
	}
	other := *c
	other.t, other.dir = t, dir
	other.env = make([]string, 0, len(c.env))
	for _, kv := range c.env {
		if strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			kv = "TF_CLI_CONFIG_FILE=" + filepath.Join(dir, ".cli.tfrc")
		}
		other.env = append(other.env, kv)
	}
	return &other
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// setenv sets or replaces one environment variable of the CLI.
func (c *cli) setenv(k, v string) {
	for i, kv := range c.env {
		if strings.HasPrefix(kv, k+"=") {
			c.env[i] = k + "=" + v
			return
		}
	}
	c.env = append(c.env, k+"="+v)
}

// run runs the CLI and fails the test on a non-zero exit.
func (c *cli) run(args ...string) string {
	c.t.Helper()
	out, err := c.try(context.Background(), args...)
	if err != nil {
		c.t.Fatalf("%s %s: %v\n%s", c.name, strings.Join(args, " "), err, out)
	}
	return out
}

func (c *cli) try(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}

var versionRE = regexp.MustCompile(`v(\d+)\.(\d+)\.`)

// requireVersion skips t unless the CLI is Terraform 1.terraformMinor or
// OpenTofu 1.tofuMinor or newer, naming what needs which version: the
// only skip tools/testsummary accepts besides missing credentials.
func (c *cli) requireVersion(t *testing.T, what string, terraformMinor, tofuMinor int) {
	t.Helper()
	if !c.atLeast(terraformMinor, tofuMinor) {
		version := strings.SplitN(c.run("version"), "\n", 2)[0]
		t.Skipf("%s needs Terraform 1.%d or later, or OpenTofu 1.%d or later; %s is %s", what, terraformMinor, tofuMinor,
			c.bin, version)
	}
}

// atLeast reports whether the CLI is 1.terraformMinor (Terraform) or
// 1.tofuMinor (OpenTofu) or newer.
func (c *cli) atLeast(terraformMinor, tofuMinor int) bool {
	m := versionRE.FindStringSubmatch(c.run("version"))
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	want := terraformMinor
	if c.name == "tofu" {
		want = tofuMinor
	}
	return major > 1 || minor >= want
}

func containsRequiredProviders(t *testing.T, dir string) bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "required_providers") {
			return true
		}
	}
	return false
}
