// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const convAddr = "volcrtc_conversation.test"

// otherAppID is a second app of convFixtures, for a replacement by app_id.
const otherAppID = 100002

// convFixtures are the sample fixtures and an empty second app.
func convFixtures() emulator.Fixtures {
	fx := emulator.Sample()
	fx.Apps = append(fx.Apps, emulator.App{AppID: otherAppID})
	return fx
}

func newConvEmulator(t *testing.T, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	return emulatortest.Start(t, convFixtures(), opts)
}

// conversationConfig is the resource with body as its arguments.
func conversationConfig(body string) string {
	return "resource \"volcrtc_conversation\" \"test\" {\n" + body + "\n}\n"
}

// createdIn returns the conversations CreateConversation made in app,
// each with its state in the emulator.
func createdIn(emu *emulator.Server, app int64) []emulator.Conversation {
	var out []emulator.Conversation
	for _, id := range emu.CreatedConversations(app) {
		c, _ := emu.ConversationState(app, id)
		out = append(out, c)
	}
	return out
}

// onlyLive checks that app holds exactly one live (not dissolved)
// conversation made by CreateConversation, and returns it.
func onlyLive(emu *emulator.Server, app int64) (emulator.Conversation, error) {
	var live []emulator.Conversation
	for _, c := range createdIn(emu, app) {
		if c.Status == nil || *c.Status == 0 {
			live = append(live, c)
		}
	}
	if len(live) != 1 {
		return emulator.Conversation{}, fmt.Errorf("app %d holds %d live created conversations, want 1: %+v", app, len(live), live)
	}
	return live[0], nil
}

// requestsOf returns the bodies of the requests of action, decoded.
func requestsOf(emu *emulator.Server, action string) []map[string]any {
	var out []map[string]any
	for _, r := range emu.Requests() {
		if r.Action != action {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(r.RawBody), &m); err == nil {
			out = append(out, m)
		}
	}
	return out
}

func stateAttr(s *terraform.State, name string) string {
	if rs, ok := s.RootModule().Resources[convAddr]; ok {
		return rs.Primary.Attributes[name]
	}
	return ""
}

// A group through its whole life: create, change in place (ownership
// too), import both ways, drift repaired, replacement by each argument
// that forces one, and destroy.
func TestAccConversation_lifecycle(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             resource.ComposeTestCheckFunc(conversationsDissolved(emu, app), conversationsDissolved(emu, otherAppID)),
		Steps: []resource.TestStep{
			{
				Config: conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "platform"
  notice              = "Be kind"
  ext                 = { team = "infra", tier = "1" }
  deletion_protection = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(convAddr, tfjsonpath.New("create_idempotency_key")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("type"), knownvalue.StringExact("group")),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("inbox_type"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("owner_user_id"), knownvalue.Int64Exact(10001)),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("creator_user_id"), knownvalue.Int64Exact(10001)),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("name"), knownvalue.StringExact("platform")),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("description"), knownvalue.Null()),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("ext"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("infra"), "tier": knownvalue.StringExact("1")})),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("idempotency_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("create_idempotency_key"),
						knownvalue.StringRegexp(regexp.MustCompile(`^tf-[0-9a-f]{32}$`))),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("conversation_short_id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("create_time_rfc3339"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`))),
				},
				Check: func(s *terraform.State) error {
					c, err := onlyLive(emu, app)
					if err != nil {
						return err
					}
					if want := fmt.Sprintf("%d/%d", app, c.ConversationShortID); stateAttr(s, "id") != want {
						return fmt.Errorf("id %q, want %q", stateAttr(s, "id"), want)
					}
					if c.Name == nil || *c.Name != "platform" || c.Ext["team"] != "infra" || *c.ConversationType != 2 {
						return fmt.Errorf("emulator holds %+v", c)
					}
					creates := requestsOf(emu, "CreateConversation")
					if len(creates) != 1 || creates[0]["IdempotentId"] != stateAttr(s, "create_idempotency_key") {
						return fmt.Errorf("CreateConversation requests %v, key in state %q", creates, stateAttr(s, "create_idempotency_key"))
					}
					firstID = stateAttr(s, "id")
					return nil
				},
			},
			{
				// In place: a new name, notice removed (cleared), a description
				// added, one ext key removed, ownership transferred to a member.
				PreConfig: func() {
					if err := emu.SetMember(app, idOf(firstID), emulator.Participant{ParticipantUserID: 10002, Operator: 10001}); err != nil {
						t.Fatal(err)
					}
					emu.ResetRequests()
				},
				Config: conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10002
  name                = "platform-team"
  description         = "Everyone on the platform team"
  ext                 = { team = "infra" }
  deletion_protection = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("owner_user_id"), knownvalue.Int64Exact(10002)),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("creator_user_id"), knownvalue.Int64Exact(10001)),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("notice"), knownvalue.Null()),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("ext"), knownvalue.MapExact(map[string]knownvalue.Check{
						"team": knownvalue.StringExact("infra")})),
				},
				Check: func(s *terraform.State) error {
					if stateAttr(s, "id") != firstID {
						return fmt.Errorf("id changed from %s to %s: replaced, not updated", firstID, stateAttr(s, "id"))
					}
					c, err := onlyLive(emu, app)
					if err != nil {
						return err
					}
					if *c.OwnerUserID != 10002 || *c.Name != "platform-team" || (c.Notice != nil && *c.Notice != "") || len(c.Ext) != 1 {
						return fmt.Errorf("emulator holds %+v", c)
					}
					mods := requestsOf(emu, "ModifyConversation")
					if len(mods) != 1 {
						return fmt.Errorf("%d ModifyConversation calls, want 1", len(mods))
					}
					core, _ := mods[0]["ConversationCoreInfo"].(map[string]any)
					if _, sent := core["AvatarUrl"]; sent || core["Notice"] != "" || core["OwnerUserId"] != 10002.0 {
						return fmt.Errorf("ModifyConversation sent %v: only what changed, a removed notice as \"\"", core)
					}
					return nil
				},
			},
			{
				ResourceName:      convAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// Only Terraform knows these: an imported conversation starts
				// protected and has no record of its create's key.
				ImportStateVerifyIgnore: []string{"deletion_protection", "create_idempotency_key"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["deletion_protection"] != "true" ||
						states[0].Attributes["create_idempotency_key"] != "" {
						return fmt.Errorf("imported %+v", states)
					}
					return nil
				},
			},
			{
				// The import block (Terraform 1.5+): with a configuration that
				// matches, the plan imports and changes nothing.
				Config: conversationConfig(`
  app_id        = 100001
  owner_user_id = 10002
  name          = "platform-team"
  description   = "Everyone on the platform team"
  ext           = { team = "infra" }`),
				ResourceName:    convAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// Changed outside Terraform: the plan shows it, apply repairs it.
				PreConfig: func() {
					if err := emu.UpdateConversation(app, idOf(firstID), func(c *emulator.Conversation) {
						c.Name = ptrTo("renamed-by-hand")
						c.Ext = map[string]string{"team": "infra", "added": "by hand"}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10002
  name                = "platform-team"
  description         = "Everyone on the platform team"
  ext                 = { team = "infra" }
  deletion_protection = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(convAddr, tfjsonpath.New("name"), knownvalue.StringExact("platform-team")),
				}},
				Check: func(*terraform.State) error {
					c, _ := emu.ConversationState(app, idOf(firstID))
					if *c.Name != "platform-team" || len(c.Ext) != 1 {
						return fmt.Errorf("drift not repaired: %+v", c)
					}
					return nil
				},
			},
			replaceStep(emu, "type", app, `
  app_id              = 100001
  type                = "live_group"
  owner_user_id       = 10002
  name                = "platform-team"
  deletion_protection = false`, func(c emulator.Conversation) bool { return *c.ConversationType == 100 }),
			replaceStep(emu, "inbox_type", app, `
  app_id              = 100001
  type                = "live_group"
  inbox_type          = 3
  owner_user_id       = 10002
  name                = "platform-team"
  deletion_protection = false`, func(c emulator.Conversation) bool { return c.InboxType != nil && *c.InboxType == 3 }),
			replaceStep(emu, "idempotency_key", app, `
  app_id              = 100001
  type                = "live_group"
  inbox_type          = 3
  owner_user_id       = 10002
  name                = "platform-team"
  idempotency_key     = "platform-team-v1"
  deletion_protection = false`, func(emulator.Conversation) bool { return true }),
			replaceStep(emu, "app_id", otherAppID, `
  app_id              = 100002
  type                = "live_group"
  inbox_type          = 3
  owner_user_id       = 10002
  name                = "platform-team"
  idempotency_key     = "platform-team-v1"
  deletion_protection = false`, func(emulator.Conversation) bool { return true }),
		},
	})
}

// replaceStep applies config, which changes attr, and checks that the
// conversation was destroyed and created again (in app), with ok true of
// the new one.
func replaceStep(emu *emulator.Server, attr string, app int64, config string, ok func(emulator.Conversation) bool) resource.TestStep {
	var before string
	return resource.TestStep{
		PreConfig: emu.ResetRequests,
		Config:    conversationConfig(config),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionDestroyBeforeCreate),
		}},
		Check: func(s *terraform.State) error {
			if n := len(requestsOf(emu, "DestroyConversation")); n != 1 {
				return fmt.Errorf("changing %s: %d DestroyConversation calls, want 1", attr, n)
			}
			c, err := onlyLive(emu, app)
			if err != nil {
				return fmt.Errorf("changing %s: %w", attr, err)
			}
			if want := fmt.Sprintf("%d/%d", app, c.ConversationShortID); stateAttr(s, "id") != want || stateAttr(s, "id") == before || !ok(c) {
				return fmt.Errorf("changing %s: state id %s, emulator %+v", attr, stateAttr(s, "id"), c)
			}
			before = stateAttr(s, "id")
			return nil
		},
	}
}

func idOf(id string) int64 {
	var app, conv int64
	_, _ = fmt.Sscanf(id, "%d/%d", &app, &conv)
	return conv
}

func ptrTo[T any](v T) *T { return &v }

// Deletion protection (on by default) refuses a destroy and a replacement
// at plan time, before any call; turning it off is an update that calls
// nothing.
func TestAccConversation_deletionProtection(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	protected := conversationConfig(`
  app_id        = 100001
  owner_user_id = 10001
  name          = "keep-me"`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		// The last step turned protection off, so the destroy dissolves it.
		CheckDestroy: conversationsDissolved(emu, app),
		Steps: []resource.TestStep{
			{
				Config: protected,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
				},
			},
			{
				PreConfig:   emu.ResetRequests,
				Config:      protected,
				Destroy:     true,
				ExpectError: wrapped(`(?s)Deletion protection is on .* has deletion_protection = true, so it is not destroyed and nothing was called. To destroy it, set deletion_protection = false, apply, then destroy`),
			},
			{
				Config: conversationConfig(`
  app_id        = 100001
  type          = "live_group"
  owner_user_id = 10001
  name          = "keep-me"`),
				ExpectError: wrapped(`(?s)Deletion protection is on .* Changing type replaces conversation 100001/\d+`),
			},
			{
				// Turning protection off in the same apply does not help: the
				// state's value protects.
				Config: conversationConfig(`
  app_id              = 100001
  type                = "live_group"
  owner_user_id       = 10001
  name                = "keep-me"
  deletion_protection = false`),
				ExpectError: wrapped(`Deletion protection is on`),
			},
			{
				Config: conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "keep-me"
  deletion_protection = false`),
				Check: func(*terraform.State) error {
					for _, r := range emu.Requests() {
						if r.Action != "BatchGetConversations" {
							return fmt.Errorf("protection steps called %s", r.Action)
						}
					}
					if _, err := onlyLive(emu, app); err != nil {
						return err
					}
					return nil
				},
			},
		},
	})
}

// Every argument a user can get wrong is an error on its attribute at
// plan time, and nothing reaches the API.
func TestAccConversation_planErrors(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	valid := map[string]string{"app_id": "100001", "owner_user_id": "10001"}
	config := func(set map[string]string) string {
		var b strings.Builder
		for _, k := range []string{"app_id", "owner_user_id"} {
			if v, ok := set[k]; ok {
				if v != "" {
					fmt.Fprintf(&b, "  %s = %s\n", k, v)
				}
				continue
			}
			fmt.Fprintf(&b, "  %s = %s\n", k, valid[k])
		}
		for k, v := range set {
			if k != "app_id" && k != "owner_user_id" {
				fmt.Fprintf(&b, "  %s = %s\n", k, v)
			}
		}
		return conversationConfig(b.String())
	}
	cases := []struct {
		set  map[string]string
		want string
	}{
		{map[string]string{"app_id": "0"}, `Attribute app_id value must be between 1 and 2147483647, got: 0`},
		{map[string]string{"app_id": "1.5"}, `Attribute app_id value must be a whole number between 1 and 2147483647 \(no fraction\), got: 1.5`},
		{map[string]string{"app_id": "2147483648"}, `Attribute app_id value must be between 1 and 2147483647, got: 2147483648`},
		{map[string]string{"owner_user_id": "0"}, `Attribute owner_user_id value must be at least 1, got: 0`},
		{map[string]string{"owner_user_id": "9223372036854775808"}, `Attribute owner_user_id value must be at most 9223372036854775807, the largest 64-bit ID`},
		{map[string]string{"owner_user_id": ""}, `The argument "owner_user_id" is required`},
		{map[string]string{"type": `"channel"`}, `Attribute type value must be one of: \["group" "live_group"\], got: "channel"`},
		{map[string]string{"inbox_type": "-1"}, `Attribute inbox_type value must be between 0 and 2147483647, got: -1`},
		{map[string]string{"inbox_type": "0.5"}, `Attribute inbox_type value must be a whole number between 0 and 2147483647 \(no fraction\)`},
		{map[string]string{"name": `""`}, `Attribute name must not be an empty string: the API does not tell it apart from none. Leave name out`},
		{map[string]string{"avatar_url": `""`}, `Attribute avatar_url must not be an empty string`},
		{map[string]string{"description": `""`}, `Attribute description must not be an empty string`},
		{map[string]string{"notice": `""`}, `Attribute notice must not be an empty string`},
		{map[string]string{"ext": `{ "" = "x" }`}, `Attribute ext has an empty key: every extension field needs a name`},
		{map[string]string{"idempotency_key": `""`}, `Attribute idempotency_key string length must be between 1 and 128, got: 0`},
		{map[string]string{"idempotency_key": `"` + strings.Repeat("k", 129) + `"`}, `Attribute idempotency_key string length must be between 1 and 128, got: 129`},
		{map[string]string{"deletion_protection": `"maybe"`}, `Inappropriate value for attribute "deletion_protection"`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: config(c.set), PlanOnly: true, ExpectError: wrapped(c.want)})
	}
	// Last, a valid plan: what the errors were measured against plans.
	steps = append(steps, resource.TestStep{Config: config(nil), PlanOnly: true, ExpectNonEmptyPlan: true})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps:                    steps,
	})
	expectNoRequest(t, emu)()
}

// Import IDs that are not APP_ID/CONVERSATION_SHORT_ID, a conversation
// that does not exist and a one-to-one chat are refused.
func TestAccConversation_importErrors(t *testing.T) {
	t.Parallel()
	_, url := newConvEmulator(t, emulator.Options{})
	config := conversationConfig(`
  app_id        = 100001
  owner_user_id = 10001`)
	step := func(id, want string) resource.TestStep {
		return resource.TestStep{Config: config, ResourceName: convAddr, ImportState: true, ImportStateId: id, ExpectError: wrapped(want)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{Config: "locals {\n  nothing = true\n}\n"}, // a state to import into
			step("7000000000000000001", `Expected an import ID of the form APP_ID/CONVERSATION_SHORT_ID`),
			step("100001/x", `its CONVERSATION_SHORT_ID, "x", must be a whole number`),
			step("0/7000000000000000001", `its APP_ID, "0", must be a whole number between 1 and 2147483647`),
			step("100001/999", `Cannot import non-existent remote object`),
			step("100001/44", `Cannot import non-existent remote object`), // dissolved
			step("100001/42", `Conversation 42 is of type 1 \(1 is a one-to-one chat\)`),
			{Config: "locals {\n  nothing = true\n}\n"}, // the last step must not expect an error
		},
	})
}

// The sample group imports through an import block with every value from
// the API: a configuration that says the same plans no change.
func TestAccConversation_importBlock(t *testing.T) {
	t.Parallel()
	_, url := newConvEmulator(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: conversationConfig(`
  app_id        = 100001
  owner_user_id = 9007199254740993
  name          = "infra-oncall"
  description   = "On-call rotation"
  notice        = "Page the owner first"
  avatar_url    = "https://example.com/oncall.png"
  ext           = { env = "prod" }`),
				ResourceName:    convAddr,
				ImportState:     true,
				ImportStateId:   "100001/7000000000000000001",
				ImportStateKind: resource.ImportBlockWithID,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(convAddr, tfjsonpath.New("conversation_short_id"), knownvalue.Int64Exact(7000000000000000001)),
					plancheck.ExpectKnownValue(convAddr, tfjsonpath.New("owner_user_id"), knownvalue.Int64Exact(emulator.SampleBigUserID)),
					plancheck.ExpectKnownValue(convAddr, tfjsonpath.New("deletion_protection"), knownvalue.Bool(true)),
					plancheck.ExpectKnownValue(convAddr, tfjsonpath.New("create_time_rfc3339"), knownvalue.StringExact("2020-09-13T12:26:40Z")),
				}},
			},
		},
	})
}

// Lost answers of a create: the client's retries send the same key, and
// the API's Exist gives back the conversation the lost attempt made.
func TestAccConversation_lostCreateAnswer(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]emulator.Fault{"bad gateway": emulator.FaultBadGateway, "connection cut": {}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, url := newConvEmulator(t, emulator.Options{})
			app := int64(emulator.SampleAppID)
			emu.LoseAnswers("CreateConversation", 2, fault)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				CheckDestroy:             conversationsDissolved(emu, app),
				Steps: []resource.TestStep{{
					Config: conversationConfig(`
  app_id              = 100001
  type                = "live_group"
  owner_user_id       = 10001
  name                = "town-hall"
  deletion_protection = false`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("type"), knownvalue.StringExact("live_group")),
					},
					Check: func(s *terraform.State) error {
						c, err := onlyLive(emu, app)
						if err != nil {
							return err
						}
						if len(createdIn(emu, app)) != 1 || *c.ConversationType != 100 || stateAttr(s, "id") != fmt.Sprintf("%d/%d", app, c.ConversationShortID) {
							return fmt.Errorf("created %+v, state id %s", createdIn(emu, app), stateAttr(s, "id"))
						}
						creates := requestsOf(emu, "CreateConversation")
						if len(creates) != 3 {
							return fmt.Errorf("%d CreateConversation calls, want 3 (two answers lost)", len(creates))
						}
						for _, c := range creates {
							if c["IdempotentId"] != stateAttr(s, "create_idempotency_key") {
								return fmt.Errorf("a retry sent IdempotentId %v, the plan's is %s", c["IdempotentId"], stateAttr(s, "create_idempotency_key"))
							}
						}
						return nil
					},
				}},
			})
		})
	}
}

// When the create's answer is lost beyond its retries, nothing is in
// state and the error names the key; applying again with that key (the
// user's, or the generated one set as idempotency_key) finds the
// conversation: one, never two.
func TestAccConversation_lostCreateAnswerBeyondRetries(t *testing.T) {
	t.Parallel()
	const noRetries = "provider \"volcrtc\" {\n  max_retries = 0\n}\n"
	t.Run("user key", func(t *testing.T) {
		t.Parallel()
		emu, url := newConvEmulator(t, emulator.Options{})
		app := int64(emulator.SampleAppID)
		emu.LoseAnswers("CreateConversation", 1, emulator.FaultUnavailable)
		config := noRetries + conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "incident"
  idempotency_key     = "incident-2026-12-01"
  deletion_protection = false`)
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(sampleEnv(url)),
			CheckDestroy:             conversationsDissolved(emu, app),
			Steps: []resource.TestStep{
				{
					Config: config,
					ExpectError: wrapped(`(?s)Cannot create the conversation: ServiceUnavailable .* The API may have created it before the ` +
						`answer was lost. Nothing was saved to state; apply again: the create sends idempotency_key "incident-2026-12-01" again`),
				},
				{
					Config: config,
					Check: func(s *terraform.State) error {
						c, err := onlyLive(emu, app)
						if err != nil {
							return err
						}
						if len(createdIn(emu, app)) != 1 || stateAttr(s, "id") != fmt.Sprintf("%d/%d", app, c.ConversationShortID) {
							return fmt.Errorf("created %+v, state id %s", createdIn(emu, app), stateAttr(s, "id"))
						}
						return nil
					},
				},
			},
		})
	})
	t.Run("generated key", func(t *testing.T) {
		t.Parallel()
		emu, url := newConvEmulator(t, emulator.Options{})
		app := int64(emulator.SampleAppID)
		emu.LoseAnswers("CreateConversation", 1, emulator.FaultUnavailable)
		body := `
  app_id              = 100001
  owner_user_id       = 10001
  name                = "incident"
  deletion_protection = false`
		// The second step's key, known once the first has failed: filled in
		// by its PreConfig, which runs before the variables are written.
		vars := tfconfig.Variables{}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: factories(sampleEnv(url)),
			CheckDestroy:             conversationsDissolved(emu, app),
			Steps: []resource.TestStep{
				{
					Config:      noRetries + conversationConfig(body),
					ExpectError: wrapped(`(?s)every attempt sent IdempotentId "tf-[0-9a-f]{32}". .* set idempotency_key = "tf-[0-9a-f]{32}" in this resource, then apply`),
				},
				{
					// As the error says: the key it named, set in the configuration.
					PreConfig: func() {
						creates := requestsOf(emu, "CreateConversation")
						if len(creates) != 1 {
							t.Fatalf("%d CreateConversation calls, want 1", len(creates))
						}
						key, ok := creates[0]["IdempotentId"].(string)
						if !ok {
							t.Fatalf("CreateConversation sent IdempotentId %v", creates[0]["IdempotentId"])
						}
						vars["key"] = tfconfig.StringVariable(key)
					},
					ConfigVariables: vars,
					Config:          noRetries + "variable \"key\" {\n  type = string\n}\n" + conversationConfig(body+"\n  idempotency_key = var.key"),
					Check: func(*terraform.State) error {
						if n := len(createdIn(emu, app)); n != 1 {
							return fmt.Errorf("%d conversations created, want 1", n)
						}
						_, err := onlyLive(emu, app)
						return err
					},
				},
			},
		})
	})
}

// A conversation that already exists with the user's key is adopted and
// brought to the configuration: nothing is created.
func TestAccConversation_existingKeyAdopted(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	client := testClient(t, url)
	// What an earlier attempt of this very create left behind.
	out, err := client.CreateConversation(t.Context(), imclient.CreateConversationInput{AppID: emulator.SampleAppID, OwnerUserID: 10001,
		Type: imclient.ConversationTypeGroup, Name: ptrTo("team-alpha"), IdempotentID: "team-alpha"})
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, app),
		Steps: []resource.TestStep{{
			PreConfig: emu.ResetRequests,
			Config: conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "team-alpha"
  idempotency_key     = "team-alpha"
  deletion_protection = false`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d/%d", app, out.ConversationShortID))),
				statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("create_idempotency_key"), knownvalue.StringExact("team-alpha")),
			},
			Check: func(*terraform.State) error {
				if len(createdIn(emu, app)) != 1 {
					return fmt.Errorf("created %+v", createdIn(emu, app))
				}
				if n := len(requestsOf(emu, "ModifyConversation")); n != 0 {
					return fmt.Errorf("%d ModifyConversation calls, want none", n)
				}
				return nil
			},
		}},
	})
}

// conversationsDissolved checks that every conversation created in app
// is dissolved; a test that uses it creates at least one there.
func conversationsDissolved(emu *emulator.Server, app int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		created := createdIn(emu, app)
		if len(created) == 0 {
			return fmt.Errorf("no conversation was created in app %d", app)
		}
		for _, c := range created {
			if c.Status == nil || *c.Status != imclient.StatusDissolved {
				return fmt.Errorf("conversation %d is not dissolved after destroy", c.ConversationShortID)
			}
		}
		return nil
	}
}

// A conversation found under the key that is not what the configuration
// would have created is somebody else's: nothing in it changes, nothing is
// saved, and the error names each difference and the import command.
func TestAccConversation_existingKeyNotTakenOver(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	client := testClient(t, url)
	theirs, err := client.CreateConversation(t.Context(), imclient.CreateConversationInput{AppID: emulator.SampleAppID, OwnerUserID: 99999,
		Type: imclient.ConversationTypeGroup, Name: ptrTo("theirs"), IdempotentID: "team-alpha"})
	if err != nil {
		t.Fatal(err)
	}
	live, err := client.CreateConversation(t.Context(), imclient.CreateConversationInput{AppID: emulator.SampleAppID, OwnerUserID: 10001,
		Type: imclient.ConversationTypeLiveGroup, Name: ptrTo("team-beta"), IdempotentID: "team-beta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.SetMember(app, theirs.ConversationShortID, emulator.Participant{ParticipantUserID: 20002, Operator: 99999}); err != nil {
		t.Fatal(err)
	}
	config := func(key, name string) string {
		return conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "` + name + `"
  idempotency_key     = "` + key + `"
  deletion_protection = false`)
	}
	unchanged := func() {
		for _, want := range []struct {
			id          int64
			owner       int64
			name, typ   string
			convMembers int
		}{{theirs.ConversationShortID, 99999, "theirs", "2", 2}, {live.ConversationShortID, 10001, "team-beta", "100", 1}} {
			c, _ := emu.ConversationState(app, want.id)
			ms, _ := emu.Members(app, want.id)
			if *c.OwnerUserID != want.owner || *c.Name != want.name || fmt.Sprint(*c.ConversationType) != want.typ || len(ms) != want.convMembers {
				t.Errorf("conversation %d changed: owner %d, name %q, type %d, %d members", want.id, *c.OwnerUserID, *c.Name,
					*c.ConversationType, len(ms))
			}
		}
		if n := len(requestsOf(emu, "ModifyConversation")); n != 0 {
			t.Errorf("%d ModifyConversation calls, want none", n)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolvedBut(emu, app, theirs.ConversationShortID, live.ConversationShortID),
		Steps: []resource.TestStep{
			{
				Config: config("team-alpha", "team-alpha"),
				ExpectError: wrapped(fmt.Sprintf(`(?s)The idempotency key belongs to another conversation .*%d/%d .*`+
					`- owner_user_id: it has 99999, the configuration says 10001 .*- name: it has "theirs", the configuration `+
					`says "team-alpha" .*nothing was changed in it and nothing was saved to state.*terraform import`,
					app, theirs.ConversationShortID)),
			},
			{
				PreConfig: unchanged,
				Config:    config("team-beta", "team-beta"),
				ExpectError: wrapped(`(?s)The idempotency key belongs to another conversation .*- type: it has "live_group", ` +
					`the configuration says "group"`),
			},
			{
				PreConfig: unchanged,
				// Nothing was saved: with a key of its own the group is created.
				Config: config("team-gamma", "team-gamma"),
				Check: func(*terraform.State) error {
					unchanged()
					if n := len(createdIn(emu, app)); n != 3 {
						return fmt.Errorf("%d conversations, want 3", n)
					}
					return nil
				},
			},
		},
	})
}

// conversationsDissolvedBut is conversationsDissolved, except for the
// conversations that are not Terraform's, which must still be live.
func conversationsDissolvedBut(emu *emulator.Server, app int64, others ...int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		created := createdIn(emu, app)
		if len(created) == 0 {
			return fmt.Errorf("no conversation was created in app %d", app)
		}
		for _, c := range created {
			other := slices.Contains(others, c.ConversationShortID)
			if dissolved := c.Status != nil && *c.Status == imclient.StatusDissolved; dissolved == other {
				return fmt.Errorf("conversation %d: dissolved %v after destroy", c.ConversationShortID, dissolved)
			}
		}
		return nil
	}
}

func TestAccConversation_lostUpdateAnswer(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	config := func(name string) string {
		return "provider \"volcrtc\" {\n  max_retries = 0\n}\n" + conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "`+name+`"
  deletion_protection = false`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{Config: config("before")},
			{
				PreConfig:   func() { emu.LoseAnswers("ModifyConversation", 1, emulator.FaultUnavailable) },
				Config:      config("after"),
				ExpectError: wrapped(`(?s)Cannot update the conversation: ServiceUnavailable .* The state records the conversation as the API reports it now`),
			},
			{
				Config: config("after"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// An API that merges ext keeps a removed key: the error names ext and
// both values, the state holds what the API has, and a configuration that
// says so plans nothing.
func TestAccConversation_readBack(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{MergeExt: true})
	config := func(ext string) string {
		return conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  ext                 = ` + ext + `
  deletion_protection = false`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, emulator.SampleAppID),
		Steps: []resource.TestStep{
			{Config: config(`{ a = "1", b = "2" }`)},
			{
				// An API that merges ext looks like one whose reads lag: after
				// reading again, the state records the change as answered, with
				// a warning, and the next plan shows the key again.
				Config:             config(`{ a = "1" }`),
				ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error {
					if c, _ := onlyLive(emu, 100001); len(c.Ext) != 2 {
						return fmt.Errorf("ext %v, want the merged a and b", c.Ext)
					}
					return nil
				},
			},
			{
				Config: config(`{ a = "1", b = "2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
		},
	})
}

// A conversation dissolved outside Terraform leaves the state with a
// warning, and the plan creates it again.
func TestAccConversation_dissolvedOutside(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	config := conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "ephemeral-team"
  deletion_protection = false`)
	var first string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		// The one dissolved by hand and the one created again.
		CheckDestroy: conversationsDissolved(emu, app),
		Steps: []resource.TestStep{
			{Config: config, Check: func(s *terraform.State) error { first = stateAttr(s, "id"); return nil }},
			{
				PreConfig: func() {
					if err := emu.UpdateConversation(app, idOf(first), func(c *emulator.Conversation) { c.Status = ptrTo(int64(1)) }); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionCreate),
				}},
				Check: func(s *terraform.State) error {
					if len(createdIn(emu, app)) != 2 || stateAttr(s, "id") == first {
						return fmt.Errorf("created %+v, state id %s", createdIn(emu, app), stateAttr(s, "id"))
					}
					_, err := onlyLive(emu, app)
					return err
				},
			},
		},
	})
}

// testClient is an API client of the emulator at url, as someone outside
// Terraform would use one.
func testClient(t *testing.T, url string) *imclient.Client {
	t.Helper()
	c, err := imclient.New(imclient.Config{AccessKey: emulator.SampleAccessKey, SecretKey: emulator.SampleSecretKey,
		Endpoint: url, BudgetScope: imclient.ScopeProcess})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Against the real API (see realapi_test.go): a group created, renamed,
// imported and destroyed in the test app, owned by the first of
// VOLCRTC_TEST_MEMBER_IDS.
func TestAccRealAPI_conversation(t *testing.T) { testRealConversation(t, requireRealAPI(t)) }

// The same case against the emulator, through the same variables.
func TestAccRealAPIHarness_conversation(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	for k, v := range map[string]string{
		EnvAccessKey: emulator.SampleAccessKey, EnvSecretKey: emulator.SampleSecretKey, EnvEndpoint: url,
		EnvSessionToken: "", EnvRegion: "",
		"VOLCRTC_TEST_APP_ID":          "100001",
		"VOLCRTC_TEST_CONVERSATION_ID": "7000000000000000001",
		"VOLCRTC_TEST_MEMBER_IDS":      "10001",
	} {
		t.Setenv(k, v)
	}
	testRealConversation(t, requireRealAPI(t))
}

func testRealConversation(t *testing.T, rt realTarget) {
	name := fmt.Sprintf("volcrtc-acc-%d", time.Now().UnixNano())
	config := func(name string) string {
		return conversationConfig(fmt.Sprintf(`
  app_id              = %s
  owner_user_id       = %d
  name                = %q
  ext                 = { purpose = "terraform-provider-volcrtc acceptance test" }
  deletion_protection = false`, rt.appID, rt.members[0], name))
	}
	client := realClient(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: realFactories(),
		// Dissolved: BatchGetConversations leaves it out or says so.
		CheckDestroy: func(s *terraform.State) error {
			app, _ := strconv.ParseInt(rt.appID, 10, 32)
			id := idOf(stateAttr(s, "id"))
			if id == 0 {
				return fmt.Errorf("no conversation in the state before destroy")
			}
			got, err := client.BatchGetConversations(t.Context(), imclient.BatchGetConversationsInput{AppID: int32(app),
				ConversationShortIDs: []int64{id}})
			if err != nil {
				return err
			}
			for _, c := range got {
				if c.ConversationShortID != nil && *c.ConversationShortID == id && (c.Status == nil || *c.Status != imclient.StatusDissolved) {
					status := "none"
					if c.Status != nil {
						status = fmt.Sprint(*c.Status)
					}
					return fmt.Errorf("conversation %d is not dissolved after destroy (Status %s)", id, status)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(name),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("owner_user_id"), knownvalue.Int64Exact(rt.members[0])),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("type"), knownvalue.StringExact("group")),
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
				},
			},
			{
				Config: config(name + "-renamed"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(convAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("name"), knownvalue.StringExact(name+"-renamed")),
				},
			},
			{
				ResourceName:            convAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"deletion_protection", "create_idempotency_key"},
			},
		},
	})
}

// The API keeps a key after its conversation is dissolved: a replacement
// with the same idempotency_key is refused at plan time, before the
// destroy, and a create whose key finds a dissolved conversation says to
// choose another key.
func TestAccConversation_keyOfADissolvedConversation(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	client := testClient(t, url)
	config := func(typ, key string) string {
		return conversationConfig(`
  app_id              = 100001
  type                = "` + typ + `"
  owner_user_id       = 10001
  idempotency_key     = "` + key + `"
  deletion_protection = false`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, app),
		Steps: []resource.TestStep{
			{Config: config("group", "ops")},
			{
				PreConfig: emu.ResetRequests,
				Config:    config("live_group", "ops"),
				ExpectError: wrapped(`(?s)The replacement needs a new idempotency_key .* Changing type replaces conversation ` +
					`100001/\d+, and the new one would be created with idempotency_key "ops", .* \(for example to "ops-2"\)`),
			},
			{
				PreConfig: func() {
					for _, r := range emu.Requests() {
						if r.Action != "BatchGetConversations" {
							t.Fatalf("the refused plan called %s", r.Action)
						}
					}
					// Someone made a group with the key "legacy" and dissolved it.
					out, err := client.CreateConversation(t.Context(), imclient.CreateConversationInput{AppID: emulator.SampleAppID,
						OwnerUserID: 10001, Type: imclient.ConversationTypeGroup, IdempotentID: "legacy"})
					if err == nil {
						err = client.DestroyConversation(t.Context(), emulator.SampleAppID, out.ConversationShortID, 10001)
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config("live_group", "legacy"),
				ExpectError: wrapped(`(?s)The idempotency key belongs to a dissolved conversation .* IdempotentId "legacy" already ` +
					`exists \(100001/\d+\), and it is dissolved: .* Set a new idempotency_key \(for example "legacy-2"\)`),
			},
			{
				Config: config("live_group", "legacy-2"),
				Check: func(s *terraform.State) error {
					c, err := onlyLive(emu, app)
					if err != nil {
						return err
					}
					if *c.ConversationType != 100 || stateAttr(s, "create_idempotency_key") != "legacy-2" || len(createdIn(emu, app)) != 3 {
						return fmt.Errorf("live %+v, created %d, key %s", c, len(createdIn(emu, app)), stateAttr(s, "create_idempotency_key"))
					}
					return nil
				},
			},
		},
	})
}

// A create answer without ConversationShortId is unreadable: the client
// asks again with the same key, and the API's Exist names the
// conversation the first call made. Two such answers fail the create,
// naming the key, with nothing in state.
func TestAccConversation_createAnswerWithoutID(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	app := int64(emulator.SampleAppID)
	config := func(key string) string {
		return conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  idempotency_key     = "` + key + `"
  deletion_protection = false`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, app),
		Steps: []resource.TestStep{
			{
				PreConfig: func() { emu.DropResultField("CreateConversation", 2, "ConversationShortId") },
				Config:    config("first"),
				ExpectError: wrapped(`(?s)Cannot create the conversation .* has no ConversationShortId.* The API may have created it ` +
					`before the answer was lost. Nothing was saved to state; apply again: the create sends idempotency_key "first" again`),
			},
			{
				// Applied again as the error says: the same conversation.
				PreConfig: func() { emu.DropResultField("CreateConversation", 1, "ConversationShortId") },
				Config:    config("first"),
				Check: func(s *terraform.State) error {
					c, err := onlyLive(emu, app)
					if err != nil {
						return err
					}
					if len(createdIn(emu, app)) != 1 || stateAttr(s, "id") != fmt.Sprintf("%d/%d", app, c.ConversationShortID) {
						return fmt.Errorf("created %d, state id %s, emulator %d", len(createdIn(emu, app)), stateAttr(s, "id"), c.ConversationShortID)
					}
					return nil
				},
			},
		},
	})
}

func TestAccConversation_laggingRead(t *testing.T) {
	t.Parallel()
	emu, url := newConvEmulator(t, emulator.Options{})
	emu.SetReadLag(readLag)
	config := func(name string) string {
		return conversationConfig(`
  app_id              = 100001
  owner_user_id       = 10001
  name                = "` + name + `"
  deletion_protection = false`)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             conversationsDissolved(emu, 100001),
		Steps: []resource.TestStep{
			{
				Config: config("one"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("create_time"), knownvalue.NotNull()),
				},
			},
			{
				Config: config("two"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(convAddr, tfjsonpath.New("name"), knownvalue.StringExact("two")),
				},
			},
		},
	})
}
