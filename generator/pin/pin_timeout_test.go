package pin

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
)

// silentRegistry accepts connections and never answers, like a registry
// (or mirror) that hangs.
func silentRegistry(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c) // held open, never read or answered
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestPinTimesOutOnASilentRegistry(t *testing.T) {
	host := silentRegistry(t)
	_, _, err := Pin(pinCatalog(host), PinOptions{Keychain: authn.NewMultiKeychain(), Today: today, Timeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "did not answer within 300ms (--timeout)") || !strings.Contains(err.Error(), host) {
		t.Fatalf("err = %v, want a timeout naming the registry", err)
	}
}

func TestPinStopsOnCancel(t *testing.T) {
	host := silentRegistry(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, _, err := Pin(pinCatalog(host), PinOptions{Keychain: authn.NewMultiKeychain(), Today: today, Context: ctx, Timeout: time.Hour})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled (exit 130)", err)
	}
}
