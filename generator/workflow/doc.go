// Package workflow writes dockhard's GitHub Actions workflow,
// .github/workflows/dockhard.yml, from templates/workflow-github.yml.tmpl,
// and checks any workflow for the mistakes that undo a hardened image.
//
// Render takes an Input the caller fills (dockhard generate --ci github,
// the wizard) and refuses any value outside its field's allow-list
// (*InputError), so no name or path can add a key, a step or a line. The
// workflow:
//
//   - check, on every pull request, push and weekly run: dockhard lint
//     (SARIF to code scanning) and dockhard generate --check;
//   - build, on every run: docker/build-push-action with the GitHub Actions
//     cache, SOURCE_DATE_EPOCH from the commit and the VERSION and REVISION
//     build arguments, then a Trivy scan that fails on HIGH or CRITICAL
//     vulnerabilities with a fix (SARIF to code scanning); a matrix over
//     --target when there are several binaries;
//   - publish, on a push to the default branch: the image to ghcr.io with
//     SBOM and provenance attestations;
//   - pins, weekly: dockhard pin --check, failing with the moved bases.
//
// Every action is pinned by commit SHA (pins, in actions.go) and every job
// lists its own permissions under a top-level permissions: {}.
//
// The checks (Check, over actionlint's parsed workflow) are dockhard lint's
// workflow rules (generator/lint, rules_workflow.go), one rule each:
//
//   - DH030 unpinned-action (UnpinnedActions): an action, reusable workflow or
//     docker:// image named by a tag or branch instead of a commit SHA or
//     digest; error.
//   - DH031 write-all (WriteAllPermissions): permissions: write-all for the
//     workflow or a job; error.
//   - DH032 secret-build-arg (SecretsInBuildArgs): a secret (secrets.*,
//     github.token, or an env variable bound to one) passed to an image
//     build as a build argument, through build-push-action's build-args or
//     a run script's --build-arg; error, like DH018 for ARG and ENV.
package workflow
