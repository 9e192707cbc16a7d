package deploy

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/dockhard/dockhard/generator/inputerr"
)

// TestBadInput gives each value a bad form: both files refuse it with an
// input error that names the value, and return nothing to write.
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Input)
		want   string
	}{
		{"header without #", func(in *Input) { in.Header = "Code generated" }, `header "Code generated" must be one YAML comment line`},
		{"header with a newline", func(in *Input) { in.Header += "\nprivileged: true" }, "control or line-breaking character (U+000A)"},
		{"header with a line separator", func(in *Input) { in.Header += "\u2028x: y" }, "(U+2028)"},
		{"header with a carriage return", func(in *Input) { in.Header += "\rx" }, "(U+000D)"},
		{"no service", func(in *Input) { in.Services = nil }, "no service to write"},
		{"uppercase name", func(in *Input) { in.Services[0].Name = "Web" }, `service name "Web"`},
		{"name with a colon", func(in *Input) { in.Services[0].Name = "web:\n  privileged: true" }, "service name"},
		{"name starting with a digit", func(in *Input) { in.Services[0].Name = "1web" }, `service name "1web"`},
		{"name too long", func(in *Input) { in.Services[0].Name = strings.Repeat("a", 64) }, "service name"},
		{"two services of one name", func(in *Input) { in.Services = append(in.Services, in.Services[0]) }, `two services are named "webserver"`},
		{"absolute context", func(in *Input) { in.Services[0].Context = "/src" }, `build context "/src": use a clean relative path`},
		{"unclean context", func(in *Input) { in.Services[0].Context = "a/../b" }, `build context "a/../b"`},
		{"context with a quote", func(in *Input) { in.Services[0].Context = `a"b` }, "build context"},
		{"empty dockerfile", func(in *Input) { in.Services[0].Dockerfile = "" }, `Dockerfile path ""`},
		{"dockerfile outside the context", func(in *Input) { in.Services[0].Dockerfile = "../Dockerfile" }, "leaves the build context"},
		{"dockerfile with a space", func(in *Input) { in.Services[0].Dockerfile = "my Dockerfile" }, "Dockerfile path"},
		{"uppercase target", func(in *Input) { in.Services[0].Target = "Api" }, `build target "Api"`},
		{"root uid", func(in *Input) { in.Services[0].UID = 0 }, "uid 0: the image must run as a non-root uid"},
		{"negative gid", func(in *Input) { in.Services[0].GID = -1 }, "gid -1"},
		{"huge uid", func(in *Input) { in.Services[0].UID = 1 << 32 }, "non-root uid"},
		{"port 0", func(in *Input) { in.Services[0].Ports = []int{0} }, "port 0"},
		{"port 70000", func(in *Input) { in.Services[0].Ports = []int{70000} }, "port 70000"},
		{"port twice", func(in *Input) { in.Services[0].Ports = []int{8080, 8080} }, "port 8080 is listed twice"},
		{"probe on another port", func(in *Input) { in.Services[0].Health.Port = 9090 }, "probes port 9090, which is not one of the service's ports [8080]"},
		{"relative probe path", func(in *Input) { in.Services[0].Health.Path = "healthz" }, `health check path "healthz" must start with /`},
		{"probe path with a newline", func(in *Input) { in.Services[0].Health.Path = "/a\nb: c" }, "health check path"},
		{"probe path with a quote", func(in *Input) { in.Services[0].Health.Path = `/a"` }, "health check path"},
		{"unknown kind", func(in *Input) { in.Services[0].Health.Kind = "grpc" }, `health check kind "grpc"`},
		{"exec without a command", func(in *Input) {
			in.Services[0].Health = Health{Kind: HealthExec, Interval: time.Second, Timeout: time.Second, Retries: 1}
		}, "needs a command"},
		{"exec argument with a space", func(in *Input) {
			in.Services[0].Health = Health{Kind: HealthExec, Command: []string{"/app", "a b"}, Interval: time.Second, Timeout: time.Second, Retries: 1}
		}, `argument "a b" must be non-empty, without spaces`},
		{"zero interval", func(in *Input) { in.Services[0].Health.Interval = 0 }, "must be positive"},
		{"negative start period", func(in *Input) { in.Services[0].Health.StartPeriod = -time.Second }, "must be positive"},
		{"interval past a day", func(in *Input) { in.Services[0].Health.Interval = 25 * time.Hour }, "at most 24h0m0s"},
		{"no retries", func(in *Input) { in.Services[0].Health.Retries = 0 }, "retries 0"},
		{"version with a newline", func(in *Input) { in.BuildArgs.Version = "1.0\n- X=1" }, `VERSION="1.0\n- X=1"`},
		{"revision with a space", func(in *Input) { in.BuildArgs.Revision = "a b" }, "REVISION"},
		{"epoch not digits", func(in *Input) { in.BuildArgs.SourceDateEpoch = "yesterday" }, `SOURCE_DATE_EPOCH="yesterday": use seconds since 1970`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, render := range []struct {
				file string
				fn   func(Input) ([]byte, error)
			}{{"compose", Compose}, {"kubernetes", Kubernetes}} {
				in := goldenCases()[0].in
				in.Services = append([]Service(nil), in.Services...)
				tc.change(&in)
				out, err := render.fn(in)
				if !inputerr.Is(err) || out != nil {
					t.Fatalf("%s: got %d bytes and error %v, want an input error and nothing", render.file, len(out), err)
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: error %q does not say %q", render.file, err, tc.want)
				}
			}
		})
	}
}

// TestComposeRefusesSharedHostPort: two services listening on one port
// cannot both publish it; Kubernetes gives each pod its own address and
// has no such conflict.
func TestComposeRefusesSharedHostPort(t *testing.T) {
	in := goldenCases()[3].in
	in.Services[1].Ports = []int{8080}
	if _, err := Compose(in); !inputerr.Is(err) || !strings.Contains(err.Error(), "services api and worker both listen on port 8080") {
		t.Errorf("Compose: %v, want an input error about port 8080", err)
	}
	if _, err := Kubernetes(in); err != nil {
		t.Errorf("Kubernetes: %v", err)
	}
}

// TestLowPortSysctl: a program listening below 1024 gets the safe sysctl
// that lets a process without capabilities bind it, and still meets the
// restricted standard; one listening above 1024 does not get it.
func TestLowPortSysctl(t *testing.T) {
	for _, port := range []int{80, 8080} {
		in := goldenCases()[0].in
		in.Services[0].Ports = []int{port}
		in.Services[0].Health.Port = port
		data, err := Kubernetes(in)
		if err != nil {
			t.Fatal(err)
		}
		assertManifest(t, data, in)
		objects, err := DecodeManifest(data)
		if err != nil {
			t.Fatal(err)
		}
		spec, _, _, _ := PodSpec(objects[0].Value)
		want := []corev1.Sysctl(nil)
		if port < 1024 {
			want = []corev1.Sysctl{{Name: "net.ipv4.ip_unprivileged_port_start", Value: "0"}}
		}
		if got := spec.SecurityContext.Sysctls; len(got) != len(want) || (len(want) == 1 && got[0] != want[0]) {
			t.Errorf("port %d: sysctls %v, want %v", port, got, want)
		}
	}
}

// TestProbeSecondsRoundUp: Kubernetes counts whole seconds, and 0 would
// mean its default; a sub-second HEALTHCHECK time becomes 1s.
func TestProbeSecondsRoundUp(t *testing.T) {
	for d, want := range map[time.Duration]int{0: 0, time.Millisecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, 30 * time.Second: 30} {
		if got := seconds(d); got != want {
			t.Errorf("seconds(%s) = %d, want %d", d, got, want)
		}
	}
}

// TestShapeSeesStructure: the structure check tells a changed value from
// an added key, item, document or type.
func TestShapeSeesStructure(t *testing.T) {
	base := "services:\n  a:\n    user: \"1:1\"\n    read_only: true\n"
	for _, tc := range []struct {
		name, other string
		same        bool
	}{
		{"other values", "services:\n  b:\n    user: \"2:2\"\n    read_only: false\n", true},
		{"an added key", base + "    privileged: true\n", false},
		{"a string made a bool", "services:\n  a:\n    user: true\n    read_only: true\n", false},
		{"an added service", base + "  b:\n    user: \"1:1\"\n    read_only: true\n", false},
		{"an added document", base + "---\nx: 1\n", false},
		{"a renamed key", "services:\n  a:\n    user: \"1:1\"\n    privileged: true\n", false},
	} {
		a, err := Shape([]byte(base))
		if err != nil {
			t.Fatal(err)
		}
		b, err := Shape([]byte(tc.other))
		if err != nil {
			t.Fatal(err)
		}
		if (a == b) != tc.same {
			t.Errorf("%s: same shape = %v, want %v\n%s\n%s", tc.name, a == b, tc.same, a, b)
		}
	}
}
