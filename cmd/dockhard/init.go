package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newInitCmd is the interactive wizard.
func newInitCmd(streams ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Answer a few questions and write a hardened Dockerfile (needs a terminal)",
		Args:  maxOneDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !isTerminal(streams.In) || !isTerminal(streams.Out) {
				return &usageError{fmt.Errorf("init asks questions and needs a terminal on stdin and stdout; to generate without questions use `dockhard generate` with flags (--builder, --runtime, --main, --port, --uid; see `dockhard generate --help`)")}
			}
			return &usageError{fmt.Errorf("init is not available yet; use `dockhard generate`")}
		},
	}
}
