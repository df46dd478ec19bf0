package synth

import (
	"fmt"
	"io"
	"time"

	"github.com/shopstack/shopstack/platform"
)

// WarnSupport writes one "warning:" line per engine version of envs that is,
// at now, near or past the end of AWS standard support (or unknown to the
// calendar in platform/support.go), and returns how many it wrote. A warning
// never fails synthesis: the templates are still right, only the bill is
// not; the deploy pre-flight is where it stops.
func WarnSupport(w io.Writer, envs []platform.Environment, now time.Time) int {
	warnings := platform.SupportWarningsAll(envs, now)
	for _, sw := range warnings {
		fmt.Fprintln(w, "warning:", sw)
	}
	return len(warnings)
}
