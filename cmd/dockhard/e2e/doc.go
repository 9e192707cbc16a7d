// Package e2e is dockhard's end-to-end suite, all in test files, in a
// package of its own so none of it compiles into the command's tests. It
// builds the dockhard command, runs it on example modules as a user would,
// builds the Dockerfiles it writes with real BuildKit against stand-in base
// images and runs the images as a container runtime would. Run it as root
// with .ci/e2e; without DOCKHARD_E2E=1 only its tests that need no root run.
package e2e
