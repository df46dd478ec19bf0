package config_test

import (
	"os"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/contract"
)

// The image cannot be built here (no Docker), so its Dockerfile is read:
// the final image must carry the database CA bundle at exactly the path the
// server reads by default, built from AWS's documented sources for both
// kinds of endpoint.
func TestDockerfileShipsDatabaseCABundle(t *testing.T) {
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var stages []string // the lines of each stage
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, "")
		}
		if len(stages) > 0 && line != "" && !strings.HasPrefix(line, "#") {
			stages[len(stages)-1] += line + "\n"
		}
	}
	if len(stages) == 0 {
		t.Fatal("no FROM in the Dockerfile")
	}
	final := stages[len(stages)-1]
	var copied bool
	for _, line := range strings.Split(final, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && f[0] == "COPY" && f[len(f)-1] == contract.DefaultDatabaseCAFile {
			copied = true
			if !strings.Contains(line, "--chmod=0444") {
				t.Errorf("%q: the nonroot user must be able to read the bundle (ADD from a URL writes mode 0600)", line)
			}
		}
	}
	if !copied {
		t.Errorf("the final stage copies nothing to %s (contract.DefaultDatabaseCAFile):\n%s", contract.DefaultDatabaseCAFile, final)
	}
	for _, src := range []string{
		// DB instances: the RDS global bundle (RDS User Guide, UsingWithRDS.SSL).
		"https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
		// RDS Proxy: all Amazon Trust Services roots (RDS User Guide,
		// rds-proxy.howitworks, "Using TLS/SSL with RDS Proxy").
		"https://www.amazontrust.com/repository/AmazonRootCA1.pem",
		"https://www.amazontrust.com/repository/AmazonRootCA2.pem",
		"https://www.amazontrust.com/repository/AmazonRootCA3.pem",
		"https://www.amazontrust.com/repository/AmazonRootCA4.pem",
		"https://www.amazontrust.com/repository/SFSRootCAG2.pem",
	} {
		if !strings.Contains(string(data), "ADD "+src+" ") {
			t.Errorf("the Dockerfile does not ADD %s", src)
		}
	}
}
