// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lentToday are the names a resource or data source file still lends to
// other code, each with what ends it. None may be added.
var lentToday = map[string]string{
	"conversationModel":    "conversation_model.go, with fromAPI and planDifferences",
	"fromAPI":              "conversation_model.go",
	"planDifferences":      "conversation_model.go",
	"conversationResource": "identity methods in the resource files",
	"memberResource":       "identity methods in the resource files",
	"membersResource":      "identity methods in the resource files",
	"conversationFields":   "a conversation fields file shared by two data sources",
	"memberCounts":         "a conversation fields file shared by two data sources",
}

// TestResourceFilesLendNothing: no resource_, data_source_ or
// ephemeral_resource_ file defines a name another code file uses, but for
// its entry point (the constructor provider.go lists, the spec read_spec.go
// lists). resource_shared.go and resource_identity.go are the resources'
// shared files. It reads the package's own sources: a name a file uses and
// does not declare is one the parser leaves unresolved.
func TestResourceFilesLendNothing(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	declaredIn := map[string]string{}
	parsed := map[string]*ast.File{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed[name] = f
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					declaredIn[d.Name.Name] = name
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						declaredIn[s.Name.Name] = name
					case *ast.ValueSpec:
						for _, n := range s.Names {
							declaredIn[n.Name] = name
						}
					}
				}
			}
		}
	}
	lends := func(file string) bool {
		if file == "resource_shared.go" || file == "resource_identity.go" {
			return false
		}
		return strings.HasPrefix(file, "resource_") || strings.HasPrefix(file, "data_source_") ||
			strings.HasPrefix(file, "ephemeral_resource_")
	}
	var found []string
	stillLent := map[string]bool{}
	for user, f := range parsed {
		for _, id := range f.Unresolved {
			from, ok := declaredIn[id.Name]
			if !ok || from == user || !lends(from) {
				continue
			}
			entry := (user == "provider.go" && strings.HasPrefix(id.Name, "new")) ||
				(user == "read_spec.go" && strings.HasSuffix(id.Name, "Spec"))
			if entry {
				continue
			}
			if _, ok := lentToday[id.Name]; ok {
				stillLent[id.Name] = true
				continue
			}
			found = append(found, from+" lends "+id.Name+" to "+user)
		}
	}
	slices.Sort(found)
	found = slices.Compact(found)
	for _, f := range found {
		t.Errorf("%s: move it to a file named for what it is", f)
	}
	for name := range lentToday {
		if !stillLent[name] {
			t.Errorf("%s is no longer lent: take it out of lentToday", name)
		}
	}
}
