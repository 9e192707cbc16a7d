package catalog

import "testing"

func TestFullVersion(t *testing.T) {
	for in, want := range map[string]string{"1.22": "1.22.0", "1.22.3": "1.22.3", "1.23rc1": "1.23rc1", "1.21": "1.21.0"} {
		if got := FullGoVersion(in); got != want {
			t.Errorf("FullGoVersion(%q) = %q, want %q", in, got, want)
		}
	}
}
