package detect

import (
	"os/exec"
	"strings"
	"testing"
)

// Detection is for programs that only want the facts: it links x/mod and
// the standard library, never a network client, BuildKit or
// go-containerregistry (issue: a program that wanted Detect linked 550
// packages when detection shared a package with pin and lint).
func TestDetectDependsOnXModAndTheStandardLibraryOnly(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	pkgs := strings.Fields(string(out))
	for _, p := range pkgs {
		first, _, _ := strings.Cut(p, "/")
		switch {
		case p == "net/http" || strings.HasPrefix(p, "net/http/"):
			t.Errorf("detection links %s", p)
		case !strings.Contains(first, "."), strings.HasPrefix(p, "vendor/"):
			// the standard library
		case strings.HasPrefix(p, "golang.org/x/mod/"), strings.HasPrefix(p, "github.com/dockhard/dockhard/generator/"):
		default:
			t.Errorf("detection links %s, which is neither x/mod, the standard library nor its own leaf packages", p)
		}
	}
	if len(pkgs) > 150 {
		t.Errorf("detection links %d packages, want at most 150", len(pkgs))
	}
}
