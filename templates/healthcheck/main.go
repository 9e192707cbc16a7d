// Command healthcheck is the health probe dockhard builds into images that
// have no shell, curl or wget. Docker runs it as the HEALTHCHECK:
//
//	healthcheck http://127.0.0.1:8080/healthz [TIMEOUT]
//	healthcheck tcp://127.0.0.1:8080 [TIMEOUT]
//
// It exits 0 when the address accepts a connection (tcp) or answers with a
// 2xx or 3xx status (http), 1 otherwise, and gives up after TIMEOUT
// (default 3s). It talks to the socket directly: net/http (or even net)
// would add 1 to 4 MB to an image whose point is to be small, and a probe
// of a local port needs one request and one status line.
package main

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	timeout := 3 * time.Second
	if len(args) == 2 {
		d, err := time.ParseDuration(args[1])
		if err != nil || d <= 0 {
			os.Stderr.WriteString("healthcheck: bad timeout " + strconv.Quote(args[1]) + "\n")
			return 2
		}
		timeout = d
	}
	if len(args) < 1 || len(args) > 2 {
		os.Stderr.WriteString("usage: healthcheck http://127.0.0.1:PORT/PATH | tcp://127.0.0.1:PORT [TIMEOUT]\n")
		return 2
	}
	if err := probe(args[0], timeout); err != nil {
		os.Stderr.WriteString("unhealthy: " + err.Error() + "\n")
		return 1
	}
	return 0
}

// probe checks target within timeout; nil means healthy.
func probe(target string, timeout time.Duration) error {
	scheme, rest, ok := strings.Cut(target, "://")
	if !ok || (scheme != "http" && scheme != "tcp") {
		return errors.New("target must start with http:// or tcp://")
	}
	hostPort, path, _ := strings.Cut(rest, "/")
	addr, err := parseAddr(hostPort)
	if err != nil {
		return err
	}
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	// Linux applies the send timeout to connect and the receive timeout to
	// each read: no poller needed.
	tv := syscall.NsecToTimeval(timeout.Nanoseconds())
	syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_SNDTIMEO, &tv)
	syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv)
	deadline := time.Now().Add(timeout)
	if err := syscall.Connect(fd, addr); err != nil {
		return errors.New("connect " + hostPort + ": " + err.Error())
	}
	if scheme == "tcp" {
		return nil
	}
	req := "GET /" + path + " HTTP/1.0\r\nHost: " + hostPort + "\r\nUser-Agent: dockhard-healthcheck\r\nConnection: close\r\n\r\n"
	if _, err := syscall.Write(fd, []byte(req)); err != nil {
		return errors.New("send: " + err.Error())
	}
	// The status line is all that matters: "HTTP/1.1 200 OK".
	var buf [64]byte
	n := 0
	for n < 12 {
		if time.Now().After(deadline) {
			return errors.New("timed out waiting for " + target)
		}
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			return errors.New("timed out waiting for " + target)
		}
		if err != nil {
			return errors.New("read: " + err.Error())
		}
		if m == 0 {
			return errors.New("connection closed before a status line")
		}
		n += m
	}
	line := string(buf[:n])
	if !strings.HasPrefix(line, "HTTP/1.") || line[8] != ' ' {
		return errors.New("not an HTTP response")
	}
	code, err := strconv.Atoi(line[9:12])
	if err != nil {
		return errors.New("bad status line")
	}
	if code < 200 || code > 399 {
		return errors.New("status " + strconv.Itoa(code))
	}
	return nil
}

// parseAddr reads "127.0.0.1:8080": dockhard probes the container's own
// loopback address, so an IPv4 literal is all it needs.
func parseAddr(hostPort string) (*syscall.SockaddrInet4, error) {
	host, portText, ok := strings.Cut(hostPort, ":")
	port, err := strconv.Atoi(portText)
	if !ok || err != nil || port < 1 || port > 65535 {
		return nil, errors.New("address " + strconv.Quote(hostPort) + " needs a port")
	}
	addr := &syscall.SockaddrInet4{Port: port}
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return nil, errors.New("address " + strconv.Quote(host) + " is not an IPv4 address")
	}
	for i, p := range parts {
		b, err := strconv.Atoi(p)
		if err != nil || b < 0 || b > 255 {
			return nil, errors.New("address " + strconv.Quote(host) + " is not an IPv4 address")
		}
		addr.Addr[i] = byte(b)
	}
	return addr, nil
}
