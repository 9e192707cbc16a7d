//go:build !unix

package detect

import "time"

// processCPU is not measured here: the benchmark's CPU ratio needs getrusage.
func processCPU() time.Duration { return 0 }
