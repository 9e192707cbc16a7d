package lint

import (
	"fmt"
	"strings"
	"testing"
)

// longDockerfile is a two-stage Dockerfile with n RUN lines in the final
// (alpine) stage, the shape that made lint quadratic.
func longDockerfile(n int) []byte {
	var b strings.Builder
	b.WriteString("FROM golang:1.23.4-bookworm AS builder\nRUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /app .\nFROM alpine:3.24.1\n")
	for i := range n {
		fmt.Fprintf(&b, "RUN echo %d\n", i)
	}
	b.WriteString("COPY --from=builder /app /app\nUSER 10001:10001\nENTRYPOINT [\"/app\"]\n")
	return []byte(b.String())
}

// BenchmarkLint shows lint's cost per Dockerfile size: ns/op should grow
// ten times from 10k to 100k lines, not a hundred times.
func BenchmarkLint(b *testing.B) {
	for _, n := range []int{10_000, 50_000, 100_000} {
		data := longDockerfile(n)
		b.Run(fmt.Sprintf("%dlines", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Lint("Dockerfile", data, LintOptions{}); err != nil {
					b.Fatal(err)
				}
				if _, err := BuildKitLintWith("Dockerfile", data, LintOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
