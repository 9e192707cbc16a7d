package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestDetectPrintsChainsAndHint: the text output shows the cgo import
// chain, the module-cache hint exactly once, loopback and health lines.
func TestDetectPrintsChainsAndHint(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir()) // nothing downloaded
	dir := copyFixture(t, "cgotwomains")
	r := runCmd(t, "detect", dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	chain := "cmd/api → internal/store → github.com/mattn/go-sqlite3 (internal/store/store.go: imports github.com/mattn/go-sqlite3 (needs cgo); github.com/mattn/go-sqlite3 not in the module cache)"
	if !strings.Contains(r.out, chain) {
		t.Errorf("no import chain %q in:\n%s", chain, r.out)
	}
	if n := strings.Count(r.out, "run `go mod download` for an exact answer"); n != 1 {
		t.Errorf("the module-cache hint appears %d times, want once:\n%s", n, r.out)
	}

	dir = copyFixture(t, "portgrpc")
	r = runCmd(t, "detect", dir)
	for _, want := range []string{
		`    port  9090 (loopback by default)  main.go:12: Addr: metricsAddr: "127.0.0.1:9090"`,
		`    port  50051  main.go:14: flag -grpc-addr: ":50051"`,
		"    health no health route registered (--healthcheck auto probes tcp)",
		"note        . listens on port 9090 on loopback by default (main.go:12)",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("missing %q in:\n%s", want, r.out)
		}
	}
}

func TestDetectJSONEvidenceFields(t *testing.T) {
	dir := copyFixture(t, "portenvhelper")
	r := runCmd(t, "detect", dir, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var facts struct {
		Mains []struct {
			Ports []struct {
				Number   int
				Loopback bool
				Trace    []struct {
					File string
					Line int
				}
			}
			HealthRoutes []struct{ Path string }
		}
		VendorProblems    []string
		UnresolvedModules []string
	}
	if err := json.Unmarshal([]byte(r.out), &facts); err != nil {
		t.Fatal(err)
	}
	m := facts.Mains[0]
	if len(m.Ports) != 1 || m.Ports[0].Number != 80 || m.Ports[0].Loopback || len(m.Ports[0].Trace) != 6 {
		t.Errorf("ports = %+v", m.Ports)
	}
	if len(m.HealthRoutes) != 1 || m.HealthRoutes[0].Path != "/healthz" {
		t.Errorf("health routes = %+v", m.HealthRoutes)
	}
	if facts.VendorProblems == nil || facts.UnresolvedModules == nil {
		t.Errorf("vendorProblems and unresolvedModules must be [] when empty:\n%s", r.out)
	}
}

func TestGenerateWarnsLoopback(t *testing.T) {
	dir := copyFixture(t, "portgrpc")
	r := runCmd(t, "generate", dir, "-o", "-")
	want := "dockhard: warning: port 9090 binds to loopback by default (main.go:12)"
	if r.code != 0 || !strings.Contains(r.err, want) || strings.Contains(r.err, "port 50051") {
		t.Errorf("exit %d, stderr %q; want only the warning for 9090", r.code, r.err)
	}
	// A port chosen by hand is the user's decision: no warning.
	if r = runCmd(t, "generate", dir, "-o", "-", "--port", "9090"); strings.Contains(r.err, "warning") {
		t.Errorf("stderr %q warns about a port given with --port", r.err)
	}
}
