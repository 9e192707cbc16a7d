package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newInitCmd is the interactive wizard (issue: dockhard init).
func newInitCmd(streams ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:    "init [DIR]",
		Short:  "Interactive wizard (not yet available: use generate)",
		Hidden: true,
		Args:   maxOneDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			return &usageError{fmt.Errorf("init is not available yet; use `dockhard generate --help` for the non-interactive command")}
		},
	}
}
