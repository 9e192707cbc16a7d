package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

const sha = "3d3c42e5aac5ba805825da76410c181273ba90b1"

func parse(t *testing.T, src string) *actionlint.Workflow {
	t.Helper()
	wf, errs := actionlint.Parse([]byte(src))
	if len(errs) > 0 {
		t.Fatalf("the test workflow does not parse: %v", errs[0])
	}
	return wf
}

// found renders problems as "line rule" for comparison.
func found(ps []Problem) string {
	var lines []string
	for _, p := range ps {
		lines = append(lines, fmt.Sprintf("%d %s", p.Pos.Line, p.Rule))
	}
	return strings.Join(lines, "\n")
}

func TestUnpinnedActions(t *testing.T) {
	wf := parse(t, `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@`+sha+` # v7.0.1
      - uses: actions/setup-go@main
      - uses: ./.github/actions/local
      - uses: docker://alpine:3.24
      - uses: docker://alpine@sha256:`+strings.Repeat("ab", 32)+`
      - uses: github/codeql-action/upload-sarif@`+strings.ToUpper(sha)+`
      - uses: actions/checkout@`+sha[:12]+`
  reuse:
    uses: octo/workflows/.github/workflows/build.yml@v1
  reuse-pinned:
    uses: octo/workflows/.github/workflows/build.yml@`+sha+`
  reuse-local:
    uses: ./.github/workflows/local.yml
`)
	got := found(UnpinnedActions(wf))
	want := strings.Join([]string{
		"6 unpinned-action",  // a release tag
		"8 unpinned-action",  // a branch
		"10 unpinned-action", // a docker:// image by tag
		"12 unpinned-action", // upper-case hex is not what GitHub resolves as a commit
		"13 unpinned-action", // a short SHA is resolved like a tag name
		"15 unpinned-action", // a reusable workflow by tag
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	msg := UnpinnedActions(wf)[0].Message
	if !strings.Contains(msg, "actions/checkout@v4") || !strings.Contains(msg, "actions/checkout@<40-hex commit> # v4") {
		t.Errorf("the message does not say how to pin: %s", msg)
	}
}

func TestWriteAllPermissions(t *testing.T) {
	wf := parse(t, `on: push
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: write-all
    steps:
      - run: echo a
  b:
    runs-on: ubuntu-latest
    permissions: read-all
    steps:
      - run: echo b
  c:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - run: echo c
`)
	if got, want := found(WriteAllPermissions(wf)), "2 write-all\n6 write-all"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	clean := parse(t, "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n      - run: echo a\n")
	if ps := WriteAllPermissions(clean); len(ps) != 0 {
		t.Errorf("least privilege reported: %v", ps)
	}
}

func TestSecretsInBuildArgs(t *testing.T) {
	wf := parse(t, `on: push
env:
  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      REGISTRY_PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}
      PLAIN: hello
    steps:
      - uses: docker/build-push-action@`+sha+`
        with:
          build-args: |
            TOKEN=${{ secrets.API_TOKEN }}
      - uses: docker/build-push-action@`+sha+`
        with:
          build-args: |
            VERSION=${{ github.sha }}
            GREETING=${{ env.PLAIN }}
      - uses: docker/build-push-action@`+sha+`
        with:
          build-args: GH=${{ github.token }}
      - uses: docker/build-push-action@`+sha+`
        with:
          build-args: NPM=${{ env.NPM_TOKEN }}
      - uses: docker/build-push-action@`+sha+`
        with:
          secrets: |
            npm=${{ secrets.NPM_TOKEN }}
      - run: docker build --build-arg TOKEN=${{ secrets.API_TOKEN }} .
      - run: docker build --build-arg "PASSWORD=$REGISTRY_PASSWORD" -t app .
      - run: docker build --build-arg NPM_TOKEN .
      - run: docker build --build-arg VERSION=${{ github.sha }} --build-arg PLAIN=$PLAIN .
      - run: docker build --secret id=npm,env=NPM_TOKEN -t ${{ secrets.REGISTRY }}/app .
      - run: |
          docker buildx build \
            --build-arg=KEY=${{ secrets['API_KEY'] }} .
      - run: docker build --build-arg STEP=$STEP_SECRET .
        env:
          STEP_SECRET: ${{ secrets.STEP }}
`)
	got := found(SecretsInBuildArgs(wf))
	want := strings.Join([]string{
		"13 secret-build-arg", // build-args: a secret
		"22 secret-build-arg", // build-args: github.token
		"25 secret-build-arg", // build-args: an env variable bound to a secret
		"30 secret-build-arg", // --build-arg with a secret expression
		"31 secret-build-arg", // --build-arg with a shell variable bound to a secret
		"32 secret-build-arg", // a bare --build-arg NAME takes the secret from the environment
		"35 secret-build-arg", // --build-arg=, secrets['…'] (reported at the script)
		"38 secret-build-arg", // a step's own env
	}, "\n")
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if ps := SecretsInBuildArgs(wf); len(ps) > 0 && !strings.Contains(ps[0].Message, "--mount=type=secret") {
		t.Errorf("the message does not say how to pass a secret: %s", ps[0].Message)
	}
}

func TestBuildArgs(t *testing.T) {
	script := `docker build --build-arg A=1 --build-arg "B=two words" --build-arg=C=${{ secrets.X }} --build-arg D;echo --build-arg	E=$F|cat`
	got := strings.Join(buildArgs(script), "|")
	if want := `A=1|"B=two words"|C=${{ secrets.X }}|D|E=$F`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestCheckOrdersByLine(t *testing.T) {
	wf := parse(t, `on: push
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/build-push-action@v7
        with:
          build-args: T=${{ secrets.T }}
`)
	if got, want := found(Check(wf)), "2 write-all\n7 unpinned-action\n8 unpinned-action\n10 secret-build-arg"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
