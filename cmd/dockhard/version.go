package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVersionCmd(streams ioStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print dockhard's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(streams.Out, "dockhard", version)
			return nil
		},
	}
}
