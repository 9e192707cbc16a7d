package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func server(t *testing.T, h http.HandlerFunc) string {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.URL // http://127.0.0.1:PORT
}

func TestProbeHTTP(t *testing.T) {
	ok := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || r.Header.Get("User-Agent") != "dockhard-healthcheck" {
			http.Error(w, "wrong request", http.StatusBadRequest)
		}
	})
	redirect := server(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) })
	failing := server(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) })
	slow := server(t, func(w http.ResponseWriter, r *http.Request) { time.Sleep(2 * time.Second) })

	tests := []struct {
		name, target string
		want         string // "" for healthy, else part of the error
	}{
		{"200", ok + "/healthz", ""},
		{"302 counts as up", redirect + "/healthz", ""},
		{"500", failing + "/healthz", "status 500"},
		{"timeout", slow + "/healthz", "timed out"},
		{"refused", "http://" + closedPort(t) + "/healthz", "connection refused"},
		{"tcp up", "tcp://" + strings.TrimPrefix(ok, "http://"), ""},
		{"tcp refused", "tcp://" + closedPort(t), "connection refused"},
		{"no scheme", "127.0.0.1:1", "http:// or tcp://"},
		{"no port", "http://127.0.0.1/healthz", "needs a port"},
		{"host name", "http://localhost:80/", "not an IPv4 address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			err := probe(tt.target, 300*time.Millisecond)
			if tt.want == "" && err != nil {
				t.Fatalf("want healthy, got %v", err)
			}
			if tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("want an error containing %q, got %v", tt.want, err)
			}
			if took := time.Since(start); took > time.Second {
				t.Fatalf("the probe took %v; it must give up on its own", took)
			}
		})
	}
}

func TestRunExitCodes(t *testing.T) {
	up := server(t, func(http.ResponseWriter, *http.Request) {})
	if code := run([]string{up + "/", "1s"}); code != 0 {
		t.Errorf("healthy: exit %d", code)
	}
	if code := run([]string{"http://" + closedPort(t) + "/"}); code != 1 {
		t.Errorf("unhealthy: exit %d", code)
	}
	if code := run(nil); code != 2 {
		t.Errorf("no argument: exit %d", code)
	}
	if code := run([]string{up, "soon"}); code != 2 {
		t.Errorf("bad timeout: exit %d", code)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
