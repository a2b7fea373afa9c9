// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// realTarget describes a test conversation on the real API, from:
//
//	VOLCENGINE_ACCESS_KEY, VOLCENGINE_SECRET_KEY (and optionally
//	VOLCENGINE_SESSION_TOKEN, VOLCENGINE_REGION, VOLCENGINE_ENDPOINT)
//	VOLCRTC_TEST_APP_ID           the app
//	VOLCRTC_TEST_CONVERSATION_ID  a conversation in it
//	VOLCRTC_TEST_MEMBER_IDS       comma-separated user IDs that are members
//	VOLCRTC_TEST_NON_MEMBER_ID    optional: a user ID that is not a member
type realTarget struct {
	appID, conv string
	members     []int64
	nonMember   int64
}

func requireRealAPI(t *testing.T) realTarget {
	t.Helper()
	var missing []string
	for _, k := range []string{EnvAccessKey, EnvSecretKey, "VOLCRTC_TEST_APP_ID", "VOLCRTC_TEST_CONVERSATION_ID", "VOLCRTC_TEST_MEMBER_IDS"} {
		if os.Getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Skipf("real-API acceptance test skipped: set %s to run it against Volcengine (see README, \"Development\")", strings.Join(missing, ", "))
	}
	rt := realTarget{appID: os.Getenv("VOLCRTC_TEST_APP_ID"), conv: os.Getenv("VOLCRTC_TEST_CONVERSATION_ID")}
	for _, s := range strings.Split(os.Getenv("VOLCRTC_TEST_MEMBER_IDS"), ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			t.Fatalf("VOLCRTC_TEST_MEMBER_IDS: %v", err)
		}
		rt.members = append(rt.members, id)
	}
	if s := os.Getenv("VOLCRTC_TEST_NON_MEMBER_ID"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("VOLCRTC_TEST_NON_MEMBER_ID: %v", err)
		}
		rt.nonMember = id
	}
	return rt
}

// realClient is an API client built from the variables the provider
// reads, to check what the API holds after a destroy.
func realClient(t *testing.T) *imclient.Client {
	t.Helper()
	c, err := imclient.New(imclient.Config{AccessKey: os.Getenv(EnvAccessKey), SecretKey: os.Getenv(EnvSecretKey),
		SessionToken: os.Getenv(EnvSessionToken), Region: os.Getenv(EnvRegion), Endpoint: os.Getenv(EnvEndpoint),
		BudgetScope: imclient.ScopeProcess})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func realFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"volcrtc": NewServerWithEnv("test", os.Getenv),
	}
}

func TestAccRealAPI_members(t *testing.T)     { testRealMembers(t, requireRealAPI(t)) }
func TestAccRealAPI_user(t *testing.T)        { testRealUser(t) }
func TestAccRealAPI_wrongSecret(t *testing.T) { testRealWrongSecret(t, requireRealAPI(t)) }

// The real-API cases run here against the emulator through the same
// environment variables, so they are known to work before anyone points
// them at Volcengine.
func TestAccRealAPIHarness_emulator(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	for k, v := range map[string]string{
		EnvAccessKey: emulator.SampleAccessKey, EnvSecretKey: emulator.SampleSecretKey, EnvEndpoint: url,
		EnvSessionToken: "", EnvRegion: "",
		"VOLCRTC_TEST_APP_ID":          "100001",
		"VOLCRTC_TEST_CONVERSATION_ID": "7000000000000000001",
		"VOLCRTC_TEST_MEMBER_IDS":      "10002, 9007199254740993,10001",
		"VOLCRTC_TEST_NON_MEMBER_ID":   "77",
		"VOLCRTC_TEST_USER_ID":         "9007199254740995",
	} {
		t.Setenv(k, v)
	}
	rt := requireRealAPI(t)
	t.Run("members", func(t *testing.T) { testRealMembers(t, rt) })
	t.Run("wrong secret", func(t *testing.T) { testRealWrongSecret(t, rt) })
	t.Run("user", testRealUser)
}

// requireRealUser is the app and a user ID that the user test may register
// and unregister (VOLCRTC_TEST_USER_ID: not registered before the test).
func requireRealUser(t *testing.T) (app string, user int64) {
	t.Helper()
	var missing []string
	for _, k := range []string{EnvAccessKey, EnvSecretKey, "VOLCRTC_TEST_APP_ID", "VOLCRTC_TEST_USER_ID"} {
		if os.Getenv(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Skipf("real-API user test skipped: set %s to run it against Volcengine (see README, \"Development\")", strings.Join(missing, ", "))
	}
	user, err := strconv.ParseInt(os.Getenv("VOLCRTC_TEST_USER_ID"), 10, 64)
	if err != nil || user <= 0 {
		t.Fatalf("VOLCRTC_TEST_USER_ID must be a positive user ID: %q", os.Getenv("VOLCRTC_TEST_USER_ID"))
	}
	return os.Getenv("VOLCRTC_TEST_APP_ID"), user
}

// A bot registered, renamed, imported and unregistered.
func testRealUser(t *testing.T) {
	app, user := requireRealUser(t)
	hcl := func(nick string) string {
		return fmt.Sprintf(`
resource "volcrtc_user" "test" {
  app_id              = %s
  user_id             = %d
  nick_name           = %q
  tags                = ["terraform-test"]
  is_robot            = true
  deletion_protection = false
}
`, app, user, nick)
	}
	client := realClient(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: realFactories(),
		CheckDestroy: func(*terraform.State) error {
			appID, _ := strconv.ParseInt(app, 10, 32)
			res, err := client.BatchGetUser(t.Context(), imclient.BatchGetUsersInput{AppID: int32(appID), UserIDs: []int64{user}})
			if err != nil {
				return err
			}
			if len(res.Users) != 0 || !slices.Equal(res.NotFound, []int64{user}) {
				return fmt.Errorf("user %d is still registered after destroy: %d found, not found %v", user, len(res.Users), res.NotFound)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: hcl("tf-test-bot"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("volcrtc_user.test", tfjsonpath.New("nick_name"), knownvalue.StringExact("tf-test-bot")),
				statecheck.ExpectKnownValue("volcrtc_user.test", tfjsonpath.New("is_robot"), knownvalue.Bool(true)),
			}},
			{Config: hcl("tf-test-bot-2"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("volcrtc_user.test", tfjsonpath.New("nick_name"), knownvalue.StringExact("tf-test-bot-2")),
			}},
			{ResourceName: "volcrtc_user.test", ImportState: true, ImportStateId: fmt.Sprintf("%s/%d", app, user),
				ImportStateVerify: true, ImportStateVerifyIgnore: []string{"deletion_protection"}},
		},
	})
}

// Members come back in request order; a non-member is listed apart.
func testRealMembers(t *testing.T, rt realTarget) {
	ids := rt.members
	var missing []knownvalue.Check
	if rt.nonMember != 0 {
		ids = append([]int64{rt.nonMember}, ids...)
		missing = append(missing, knownvalue.Int64Exact(rt.nonMember))
	}
	conv, err := strconv.ParseInt(rt.conv, 10, 64)
	if err != nil {
		t.Fatalf("VOLCRTC_TEST_CONVERSATION_ID: %v", err)
	}
	var members []knownvalue.Check
	for _, id := range rt.members {
		members = append(members, knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"participant_user_id":   knownvalue.Int64Exact(id),
			"conversation_short_id": knownvalue.Int64Exact(conv),
			"role_name":             knownvalue.StringRegexp(regexp.MustCompile(`^(member|owner|admin)$`)),
		}))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: realFactories(),
		Steps: []resource.TestStep{{
			Config: dataSourceConfig(rt.appID, rt.conv, ids...),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListExact(members)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact(orEmpty(missing))),
			},
		}},
	})
}

// A wrong secret surfaces the API's code and RequestId.
func testRealWrongSecret(t *testing.T, rt realTarget) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: realFactories(),
		Steps: []resource.TestStep{
			{
				Config:      `provider "volcrtc" { secret_key = "wrong-secret" }` + dataSourceConfig(rt.appID, rt.conv, rt.members[0]),
				ExpectError: wrapped(`(?s)Volcengine IM OpenAPI error: SignatureDoesNotMatch.*RequestId: [^(]`),
			},
			{Config: dataSourceConfig(rt.appID, rt.conv, rt.members[0])},
		},
	})
}

func orEmpty(c []knownvalue.Check) []knownvalue.Check {
	if c == nil {
		return []knownvalue.Check{}
	}
	return c
}
