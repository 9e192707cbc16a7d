//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/dockhard/dockhard/generator/deploy"
)

// The runtime contract (#19): generate --compose --k8s writes the settings
// that run the image locked down. The suite reads them back with the
// libraries made for them (compose-go's loader, k8s.io/api), requires the
// two files to say the same, turns what they say into an OCI runtime
// config and runs the image under runc with it: its own namespaces
// (network included), the uid, a read-only root, no capabilities,
// no_new_privs and a tmpfs exactly where the files ask for one. Seccomp
// (RuntimeDefault in the Deployment) is the runtime's own profile and is
// not re-created here.

// contractFlags are added to generate for every image whose contract is run.
var contractFlags = []string{"--compose", "--k8s"}

// runtimeContract is what the generated files say a container of one
// target runs with.
type runtimeContract struct {
	uid, gid        int64
	readOnlyRoot    bool
	noNewPrivileges bool
	dropAll         bool     // every capability dropped, none added
	tmpfs           []string // writable mounts, sorted
}

// readContract reads the service name from dir/compose.yaml and the
// Deployment name from dir/deploy/*.yaml, and fails unless both say the
// same.
func readContract(t *testing.T, dir, name string) runtimeContract {
	t.Helper()
	fromCompose := composeContract(t, dir, name)
	fromK8s := deploymentContract(t, dir, name)
	if fmt.Sprint(fromCompose) != fmt.Sprint(fromK8s) {
		t.Fatalf("compose.yaml and deploy/ disagree about %s:\ncompose    %+v\nkubernetes %+v", name, fromCompose, fromK8s)
	}
	return fromCompose
}

func composeContract(t *testing.T, dir, name string) runtimeContract {
	t.Helper()
	file := filepath.Join(dir, "compose.yaml")
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: file}},
		Environment: map[string]string{},
	}, func(o *loader.Options) { o.SetProjectName("e2e", true) })
	if err != nil {
		t.Fatalf("compose.yaml does not load: %v", err)
	}
	s, ok := project.Services[name]
	if !ok {
		t.Fatalf("compose.yaml has no service %s (it has %v)", name, project.ServiceNames())
	}
	var c runtimeContract
	uid, gid, ok := strings.Cut(s.User, ":")
	if c.uid, err = strconv.ParseInt(uid, 10, 64); err != nil || !ok {
		t.Fatalf("compose.yaml: %s runs as %q, want a numeric uid:gid", name, s.User)
	}
	if c.gid, err = strconv.ParseInt(gid, 10, 64); err != nil {
		t.Fatalf("compose.yaml: %s runs as %q, want a numeric uid:gid", name, s.User)
	}
	c.readOnlyRoot = s.ReadOnly
	c.noNewPrivileges = slices.Contains(s.SecurityOpt, "no-new-privileges:true")
	c.dropAll = slices.Contains(s.CapDrop, "ALL") && len(s.CapAdd) == 0
	c.tmpfs = append([]string{}, s.Tmpfs...)
	slices.Sort(c.tmpfs)
	return c
}

func deploymentContract(t *testing.T, dir, name string) runtimeContract {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "deploy", "*.yaml"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		objects, err := deploy.DecodeManifest(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, o := range objects {
			if d, ok := o.Value.(*appsv1.Deployment); ok && d.Name == name {
				return podContract(t, d)
			}
		}
	}
	t.Fatalf("no Deployment %s in %s/deploy/*.yaml (%v)", name, dir, files)
	return runtimeContract{}
}

// podContract reads the one container's settings; a container setting
// overrides the pod's, as the kubelet does.
func podContract(t *testing.T, d *appsv1.Deployment) runtimeContract {
	spec := d.Spec.Template.Spec
	if len(spec.Containers) != 1 {
		t.Fatalf("Deployment %s has %d containers, want 1", d.Name, len(spec.Containers))
	}
	ctr := spec.Containers[0]
	var c runtimeContract
	if pod := spec.SecurityContext; pod != nil {
		if pod.RunAsUser != nil {
			c.uid = *pod.RunAsUser
		}
		if pod.RunAsGroup != nil {
			c.gid = *pod.RunAsGroup
		}
	}
	if sc := ctr.SecurityContext; sc != nil {
		if sc.RunAsUser != nil {
			c.uid = *sc.RunAsUser
		}
		if sc.RunAsGroup != nil {
			c.gid = *sc.RunAsGroup
		}
		c.readOnlyRoot = sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem
		c.noNewPrivileges = sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation
		if caps := sc.Capabilities; caps != nil {
			c.dropAll = slices.Contains(caps.Drop, "ALL") && len(caps.Add) == 0
		}
	}
	emptyDirs := map[string]bool{}
	for _, v := range spec.Volumes {
		if v.EmptyDir != nil {
			emptyDirs[v.Name] = true
		}
	}
	for _, m := range ctr.VolumeMounts {
		if emptyDirs[m.Name] && !m.ReadOnly {
			c.tmpfs = append(c.tmpfs, m.MountPath)
		}
	}
	slices.Sort(c.tmpfs)
	return c
}

// contained is one container run by runc under a contract.
type contained struct {
	t        *testing.T
	runc     []string // runc with its state directory
	id       string
	contract runtimeContract
	img      *builtImage
	out      *lockedBuffer
	exited   chan struct{}
}

// busyboxIn is where the host's static busybox is bind-mounted, read-only,
// so the suite can look around a shell-less image. busybox picks its
// applet by its own name: it must be called busybox.
const busyboxIn = "/.dockhard-e2e/busybox"

// runContained starts the image's entrypoint under runc with an OCI
// runtime config made from c, the image's environment and working
// directory, as docker run or the kubelet would.
func runContained(t *testing.T, img *builtImage, c runtimeContract) *contained {
	t.Helper()
	bundle, state := t.TempDir(), t.TempDir()
	cfg := img.config.Config
	cwd := cfg.WorkingDir
	if cwd == "" {
		cwd = "/"
	}
	caps := &specs.LinuxCapabilities{}
	if !c.dropAll {
		// Docker's default set, which a file that drops nothing leaves.
		def := []string{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"}
		caps = &specs.LinuxCapabilities{Bounding: def, Permitted: def}
	}
	mounts := []specs.Mount{
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/dev", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "strictatime", "mode=755", "size=65536k"}},
		{Destination: "/dev/pts", Type: "devpts", Source: "devpts", Options: []string{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
		{Destination: "/dev/shm", Type: "tmpfs", Source: "shm", Options: []string{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
		{Destination: "/sys", Type: "sysfs", Source: "sysfs", Options: []string{"nosuid", "noexec", "nodev", "ro"}},
		{Destination: busyboxIn, Type: "bind", Source: "/bin/busybox", Options: []string{"bind", "ro"}},
	}
	for _, dir := range c.tmpfs {
		mounts = append(mounts, specs.Mount{Destination: dir, Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "nodev", "mode=1777"}})
	}
	spec := specs.Spec{
		Version: specs.Version,
		Process: &specs.Process{
			User:            specs.User{UID: uint32(c.uid), GID: uint32(c.gid)},
			Args:            append(append([]string{}, cfg.Entrypoint...), cfg.Cmd...),
			Env:             cfg.Env,
			Cwd:             cwd,
			Capabilities:    caps,
			NoNewPrivileges: c.noNewPrivileges,
		},
		Root:     &specs.Root{Path: img.rootfs, Readonly: c.readOnlyRoot},
		Hostname: "contract",
		Mounts:   mounts,
		Linux: &specs.Linux{
			Namespaces: []specs.LinuxNamespace{{Type: "pid"}, {Type: "network"}, {Type: "ipc"}, {Type: "uts"}, {Type: "mount"}},
		},
	}
	data, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctr := &contained{t: t, runc: []string{"runc", "--root", state}, id: fmt.Sprintf("contract-%d", time.Now().UnixNano()),
		contract: c, img: img, out: &lockedBuffer{}, exited: make(chan struct{})}
	cmd := exec.Command(ctr.runc[0], append(ctr.runc[1:], "run", "--bundle", bundle, ctr.id)...)
	cmd.Stdout, cmd.Stderr = ctr.out, ctr.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(ctr.exited) }()
	t.Cleanup(func() {
		exec.Command(ctr.runc[0], append(ctr.runc[1:], "kill", ctr.id, "KILL")...).Run()
		select {
		case <-ctr.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
		exec.Command(ctr.runc[0], append(ctr.runc[1:], "delete", "--force", ctr.id)...).Run()
	})
	return ctr
}

// exec runs argv in the container (its namespaces, user, capabilities
// and no_new_privs, as runc exec inherits them) and returns its output and
// exit code.
func (c *contained) exec(argv ...string) (string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.runc[0], append(append(c.runc[1:], "exec", c.id), argv...)...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		return string(out) + err.Error(), -1
	}
	return string(out), 0
}

func (c *contained) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// pid is the container's first process, seen from the host.
func (c *contained) pid() int {
	out, err := exec.Command(c.runc[0], append(c.runc[1:], "state", c.id)...).Output()
	if err != nil {
		return 0
	}
	var state struct{ Pid int }
	json.Unmarshal(out, &state)
	return state.Pid
}

// serves waits until the program answers want on port inside the
// container, then runs the image's own health check there.
func (c *contained) serves(port, want string) error {
	var body, fetch string
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(200 * time.Millisecond) {
		if !c.running() {
			return fmt.Errorf("the program exited: %s", strings.TrimSpace(c.out.String()))
		}
		out, code := c.exec(busyboxIn, "wget", "-q", "-O", "-", "http://127.0.0.1:"+port+"/")
		if code == 0 {
			body = out
			break
		}
		fetch = fmt.Sprintf("exit %d: %s", code, strings.TrimSpace(out))
	}
	if !strings.Contains(body, want) {
		return fmt.Errorf("the server answered %q, want %q (last fetch: %s); its output: %s", body, want, fetch, c.out.String())
	}
	hc := c.img.config.Config.Healthcheck
	if hc == nil || len(hc.Test) < 2 || hc.Test[0] != "CMD" {
		return fmt.Errorf("no exec-form HEALTHCHECK to run: %+v", hc)
	}
	if out, code := c.exec(hc.Test[1:]...); code != 0 {
		return fmt.Errorf("the image's health check %v fails under the settings (exit %d): %s", hc.Test[1:], code, out)
	}
	return nil
}

// printsUser waits for the program's first line: userprinter's says
// which uid it runs as.
func (c *contained) printsUser() error {
	want := fmt.Sprintf(" id: %d", c.contract.uid)
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(100 * time.Millisecond) {
		first, _, complete := strings.Cut(c.out.String(), "\n")
		if complete {
			if !strings.HasPrefix(first, "user: ") || !strings.HasSuffix(first, want) {
				return fmt.Errorf("userprinter printed %q, want user: <name>%s", first, want)
			}
			return nil
		}
		if !c.running() {
			return fmt.Errorf("the program exited: %s", c.out.String())
		}
	}
	return fmt.Errorf("userprinter printed no line in 10 s")
}

// confinementProblems checks, from the host and from inside, that the
// running program has what the contract says and no more: its uid, no
// capabilities, no_new_privs, a read-only root, and writes refused
// everywhere but the contract's tmpfs mounts.
func (c *contained) confinementProblems() []string {
	var problems []string
	pid := c.pid()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return []string{"the container's process is gone: " + c.out.String()}
	}
	for _, want := range []string{
		fmt.Sprintf("\nUid:\t%d\t%d\t", c.contract.uid, c.contract.uid),
		fmt.Sprintf("\nGid:\t%d\t%d\t", c.contract.gid, c.contract.gid),
		"\nCapEff:\t0000000000000000\n", "\nCapPrm:\t0000000000000000\n", "\nCapBnd:\t0000000000000000\n",
		"\nNoNewPrivs:\t1\n",
	} {
		if !strings.Contains(string(status), want) {
			problems = append(problems, fmt.Sprintf("the program's /proc status lacks %q", strings.TrimSpace(want)))
		}
	}
	mountinfo, _ := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if !rootReadOnly(string(mountinfo)) {
		problems = append(problems, "the container's root is mounted read-write")
	}
	if out, code := c.exec(busyboxIn, "true"); code != 0 {
		return append(problems, "the write check's busybox does not run in the container: "+out)
	}
	writes := []string{"/dockhard-e2e-new", "/etc/dockhard-e2e-new", "/tmp/dockhard-e2e-new"}
	if home := c.home(); home != "" {
		writes = append(writes, home+"/dockhard-e2e-new")
	}
	for _, p := range writes {
		_, code := c.exec(busyboxIn, "touch", p)
		allowed := slices.ContainsFunc(c.contract.tmpfs, func(dir string) bool { return strings.HasPrefix(p, dir+"/") })
		switch {
		case code == 0 && !allowed:
			problems = append(problems, "the program could write "+p)
		case code != 0 && allowed:
			problems = append(problems, "the program cannot write "+p+" on the tmpfs the settings give it")
		}
	}
	return problems
}

// home is the contract user's home directory in the image, if any.
func (c *contained) home() string {
	passwd, _ := os.ReadFile(filepath.Join(c.img.rootfs, "etc/passwd"))
	for _, line := range strings.Split(string(passwd), "\n") {
		f := strings.Split(line, ":")
		if len(f) >= 6 && f[2] == strconv.FormatInt(c.contract.uid, 10) && strings.HasPrefix(f[5], "/home/") {
			return f[5]
		}
	}
	return ""
}

// rootReadOnly reports whether the mount at / in a mountinfo is read-only.
func rootReadOnly(mountinfo string) bool {
	for _, line := range strings.Split(mountinfo, "\n") {
		f := strings.Fields(line)
		// id parent major:minor root mountpoint options ...
		if len(f) > 5 && f[4] == "/" {
			return slices.Contains(strings.Split(f[5], ","), "ro")
		}
	}
	return false
}

// contractRuns says how to see each program working inside its container.
var contractRuns = map[string]func(c *contained) error{
	"webserver":   func(c *contained) error { return c.serves("8080", "Olá") },
	"userprinter": func(c *contained) error { return c.printsUser() },
	"tmpnotes":    func(c *contained) error { return c.serves("8095", "tmpnotes: notes in /tmp/notes-") },
	"homestate":   func(c *contained) error { return c.serves("8096", "homestate: state in /home/nonroot/state") },
}

// checkContract runs the image of target under the settings generated in
// dir and requires the program to work and be confined as they say.
func checkContract(t *testing.T, dir, target string, img *builtImage) {
	t.Helper()
	c := readContract(t, dir, target)
	if !c.readOnlyRoot || !c.noNewPrivileges || !c.dropAll || c.uid == 0 {
		t.Errorf("the settings for %s are not locked down: %+v", target, c)
	}
	ctr := runContained(t, img, c)
	if err := contractRuns[target](ctr); err != nil {
		t.Fatalf("under compose.yaml's and deploy/'s settings: %v", err)
	}
	problems := ctr.confinementProblems()
	for _, problem := range problems {
		t.Error(problem)
	}
	if len(problems) == 0 {
		t.Logf("CONTRACT | %s | %d:%d | read-only root | no capabilities | no_new_privs | tmpfs %v | works |", target, c.uid, c.gid, c.tmpfs)
	}
}

// testRuntimeContract builds a module of two programs: tmpnotes writes a
// temporary file (so its settings carry a tmpfs at /tmp), homestate
// writes its state into its user's home directory, which its user owns.
// Both pass the suite's usual checks, which run them in a chroot as their
// user; under the generated settings tmpnotes works and homestate fails,
// and the suite catches it. tmpnotes with its tmpfs taken away fails too:
// the tmpfs is what it needs, not a formality.
func testRuntimeContract(t *testing.T, e *e2eEnv) {
	dir := e.module(t, "tmpnotes")
	if r := e.dockhard(t, append([]string{"generate", dir, "--catalog", filepath.Join(dir, "catalog.json"), "--main", "all"}, contractFlags...)...); r.code != 0 {
		t.Fatal(r.err)
	}
	build := func(t *testing.T, target string) *builtImage {
		start := time.Now()
		img := e.buildWith(t, dir, []string{"--opt", "target=" + target}, "")
		e.checkVariant(t, e2eVariant{program: target, builder: "chainguard", runtime: "distroless", uid: 65532}, img, time.Since(start))
		if t.Failed() {
			t.FailNow()
		}
		return img
	}
	// A failure the contract check must catch: the program stops at
	// start, on the read-only root, and the check says so.
	mustFail := func(t *testing.T, img *builtImage, target string, c runtimeContract) {
		err := contractRuns[target](runContained(t, img, c))
		if err == nil || !strings.Contains(err.Error(), "read-only file system") {
			t.Fatalf("%s ran under these settings (%v): the check cannot fail", target, err)
		}
		t.Logf("caught: %v", err)
	}
	t.Run("runtime contract: tmpnotes", func(t *testing.T) {
		img := build(t, "tmpnotes")
		c := readContract(t, dir, "tmpnotes")
		if !slices.Equal(c.tmpfs, []string{"/tmp"}) {
			t.Fatalf("tmpnotes writes temporary files, yet its settings have tmpfs %v, want [/tmp]", c.tmpfs)
		}
		checkContract(t, dir, "tmpnotes", img)
		t.Run("broken: without the tmpfs its settings ask for", func(t *testing.T) {
			c.tmpfs = nil
			mustFail(t, img, "tmpnotes", c)
		})
	})
	t.Run("runtime contract: homestate", func(t *testing.T) {
		img := build(t, "homestate")
		c := readContract(t, dir, "homestate")
		if len(c.tmpfs) != 0 {
			t.Fatalf("homestate writes no temporary files, yet its settings carry a tmpfs: %v", c.tmpfs)
		}
		t.Run("broken: it writes outside /tmp", func(t *testing.T) {
			mustFail(t, img, "homestate", c)
		})
	})
}

// lockedBuffer is a bytes.Buffer that runc writes to while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
