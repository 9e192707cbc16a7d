package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

func TestRuleByID(t *testing.T) {
	if r, err := RuleByID("DH005"); err != nil || r != RuleNamedUser {
		t.Errorf("RuleByID(DH005) = %v, %v; want RuleNamedUser", r, err)
	}
	r, err := RuleByID("DH999")
	if err == nil || r != nil {
		t.Fatalf("RuleByID(DH999) = %v, %v; want an error", r, err)
	}
	if !strings.Contains(err.Error(), "DH001, DH002") || !strings.Contains(err.Error(), Rules[len(Rules)-1].ID) {
		t.Errorf("the error should list the rules: %v", err)
	}
}

// TestRegistry checks the registry's invariants: unique ids of the form
// DH000, every rule with a check, Rules sorted by id, and every rule
// defined in the package registered (a rule left out would never run).
func TestRegistry(t *testing.T) {
	id := regexp.MustCompile(`^DH\d{3}$`)
	seen := map[string]bool{}
	for _, r := range registry {
		if !id.MatchString(r.ID) || seen[r.ID] {
			t.Errorf("rule id %q is malformed or registered twice", r.ID)
		}
		seen[r.ID] = true
		if r.Check == nil {
			t.Errorf("%s has no check", r.ID)
		}
	}
	if len(Rules) != len(registry) || !slices.IsSortedFunc(Rules, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("Rules is not the registry in id order")
	}
	defined := definedRuleIDs(t)
	if len(defined) != len(seen) {
		t.Errorf("%d rules defined, %d registered", len(defined), len(seen))
	}
	for _, d := range defined {
		if !seen[d] {
			t.Errorf("rule %s is defined but not in the registry: it never runs", d)
		}
	}
}

// definedRuleIDs reads the package's source for every `var X = &Rule{ID:
// "..."}` definition.
func definedRuleIDs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if typ, ok := lit.Type.(*ast.Ident); !ok || typ.Name != "Rule" {
				return true
			}
			for _, e := range lit.Elts {
				kv, ok := e.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				key, ok := kv.Key.(*ast.Ident)
				v, isLit := kv.Value.(*ast.BasicLit)
				if ok && isLit && key.Name == "ID" {
					s, _ := strconv.Unquote(v.Value)
					ids = append(ids, s)
				}
			}
			return true
		})
	}
	return ids
}

// TestREADMEListsEveryRule: the README's rule table has one row per rule,
// with the anchor that the rule's URL points at, its id, severity and
// title; and the README names no DH id that is not a rule.
func TestREADMEListsEveryRule(t *testing.T) {
	data, err := os.ReadFile(testfile.Path("README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	row := regexp.MustCompile(`(?m)^\| <a id="([^"]*)"></a>(\S+) \| (\w+) \| (.+?) \|`)
	rows := map[string][]string{}
	for _, m := range row.FindAllStringSubmatch(readme, -1) {
		if rows[m[2]] != nil {
			t.Errorf("README lists %s twice", m[2])
		}
		rows[m[2]] = m[1:]
	}
	for _, r := range Rules {
		got, ok := rows[r.ID]
		if !ok {
			t.Errorf("README has no row for %s (| <a id=\"%s\"></a>%s | %s | %s | ... |)", r.ID, strings.ToLower(r.ID), r.ID, r.Severity, r.Title)
			continue
		}
		if anchor := got[0]; !strings.HasSuffix(r.URL(), "#"+anchor) {
			t.Errorf("README row %s has the anchor %q; the rule's URL is %s", r.ID, anchor, r.URL())
		}
		if got[2] != r.Severity.String() || got[3] != r.Title {
			t.Errorf("README row %s says %s, %q; the rule is %s, %q", r.ID, got[2], got[3], r.Severity, r.Title)
		}
		delete(rows, r.ID)
	}
	for id := range rows {
		t.Errorf("README lists %s, which is not a rule", id)
	}
	for _, id := range regexp.MustCompile(`\bDH\d{3}\b`).FindAllString(readme, -1) {
		if _, err := RuleByID(id); err != nil {
			t.Errorf("README names %s: %v", id, err)
		}
	}
}
