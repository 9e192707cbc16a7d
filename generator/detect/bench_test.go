package detect

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockhard/dockhard/generator/internal/testfile"
)

// writeBenchTree writes a module of pkgs packages with files Go files each:
// an import graph between packages, and every tenth package listening on a
// port, so both the quick scan and the full parse are exercised.
func writeBenchTree(b *testing.B, root string, pkgs, files int) {
	b.Helper()
	testfile.Write(b, filepath.Join(root, "go.mod"), "module example.com/big\n\ngo 1.22\n")
	var mainImports strings.Builder
	for p := 0; p < pkgs; p++ {
		dir := filepath.Join(root, "internal", fmt.Sprintf("p%04d", p))
		if p%20 == 19 {
			fmt.Fprintf(&mainImports, "\t_ \"example.com/big/internal/p%04d\"\n", p)
		}
		for f := 0; f < files; f++ {
			var src strings.Builder
			fmt.Fprintf(&src, "// Package p%04d is generated for the benchmark.\npackage p%04d\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n", p, p)
			if p > 0 && f == 0 {
				fmt.Fprintf(&src, "\t_ \"example.com/big/internal/p%04d\"\n", p-1)
			}
			listens := p%10 == 0 && f == 0
			if listens {
				src.WriteString("\t\"net/http\"\n")
			}
			src.WriteString(")\n\n")
			fmt.Fprintf(&src, "// F%d joins and prints.\nfunc F%d(parts []string) string {\n\ts := strings.Join(parts, \",\")\n\tfmt.Println(s)\n\treturn s\n}\n", f, f)
			if listens {
				fmt.Fprintf(&src, "\nfunc Serve() error { return http.ListenAndServe(\":%d\", nil) }\n", 8000+p)
			}
			testfile.Write(b, filepath.Join(dir, "f"+strconv.Itoa(f)+".go"), src.String())
		}
	}
	testfile.Write(b, filepath.Join(root, "main.go"), "package main\n\nimport (\n"+mainImports.String()+")\n\nfunc main() {}\n")
}

// peakRSS returns the process's peak resident set size in MB since the last
// resetPeakRSS (Linux; 0 elsewhere).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// BenchmarkDetect20k measures detection of 20,000 files in 1,000 packages
// (target: under 1 s and 200 MB peak on 2 cores) side by side with `go list
// ./...` on the same tree (target: 10 times slower or more). Each iteration
// runs both, alternating, so both see the same machine load; the metrics
// are each one's wall time per run and their ratio, and each one's CPU
// time (user + system) per run and that ratio, which depends less on what
// else the machine is running.
func BenchmarkDetect20k(b *testing.B) {
	root := b.TempDir()
	writeBenchTree(b, root, 1000, 20)
	b.Setenv("GOWORK", "off")
	goList := func() time.Duration {
		cmd := exec.Command("go", "list", "./...")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go list: %v\n%s", err, out)
		}
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	goList() // warm the go command's own caches, as a user's would be

	b.ReportAllocs()
	resetPeakRSS()
	b.ResetTimer()
	var detectTime, listTime, detectCPU, listCPU time.Duration
	for i := 0; i < b.N; i++ {
		start, startCPU := time.Now(), processCPU()
		f, err := Detect(root)
		detectTime += time.Since(start)
		detectCPU += processCPU() - startCPU
		if err != nil {
			b.Fatal(err)
		}
		if len(f.Mains) != 1 || len(f.Mains[0].Ports) != 100 {
			b.Fatalf("want 1 main reaching 100 ports, got %d mains, %d ports", len(f.Mains), len(f.Mains[0].Ports))
		}
		b.StopTimer()
		start = time.Now()
		listCPU += goList()
		listTime += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(peakRSS(), "peak-MB")
	b.ReportMetric(detectTime.Seconds()/float64(b.N), "detect-s")
	b.ReportMetric(listTime.Seconds()/float64(b.N), "golist-s")
	b.ReportMetric(float64(listTime)/float64(detectTime), "ratio")
	b.ReportMetric(detectCPU.Seconds()/float64(b.N), "detect-cpu-s")
	b.ReportMetric(listCPU.Seconds()/float64(b.N), "golist-cpu-s")
	b.ReportMetric(float64(listCPU)/float64(detectCPU), "cpu-ratio")
}
