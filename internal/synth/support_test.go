package synth

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/platform"
)

// Synthesis warns, at a fixed date, about a version near the end of AWS
// standard support, and says nothing for the shipped versions.
func TestWarnSupport(t *testing.T) {
	auditDay := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	old := platform.Prod()
	old.Cluster.KubernetesVersion = "1.34"
	var out bytes.Buffer
	if n := WarnSupport(&out, []platform.Environment{old}, auditDay); n != 1 {
		t.Fatalf("%d warnings, want 1:\n%s", n, out.String())
	}
	if want := `warning: platform: prod: Cluster.KubernetesVersion = "1.34" leaves AWS standard support on 2026-12-02`; !strings.HasPrefix(out.String(), want) {
		t.Errorf("printed %q, want it to start with %q", out.String(), want)
	}
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if n := WarnSupport(&out, envs, auditDay); n != 0 {
		t.Errorf("the shipped environments warn on %s:\n%s", auditDay.Format(time.DateOnly), out.String())
	}
}
