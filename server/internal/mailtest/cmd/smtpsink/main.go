// Command smtpsink is the SMTP server of the browser tests
// (client/e2e/mail.test.mjs): it receives mail on a loopback SMTP port and
// serves what it received as JSON, so a test can read the reset link that
// the storefront sent.
//
//	smtpsink -smtp 127.0.0.1:0 -http 127.0.0.1:0
//
// It prints one line {"smtp": "host:port", "http": "host:port"} when both
// listen, then GET /messages answers [{"from","to","subject","text","html"}].
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/shopstack/shopstack/server/internal/mailtest"
)

func main() {
	smtpAddr := flag.String("smtp", "127.0.0.1:0", "SMTP listen address")
	httpAddr := flag.String("http", "127.0.0.1:0", "HTTP listen address (GET /messages)")
	flag.Parse()

	sink, err := mailtest.Start(*smtpAddr)
	if err != nil {
		log.Fatal(err)
	}
	defer sink.Close()
	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /messages", func(w http.ResponseWriter, _ *http.Request) {
		msgs := sink.Messages()
		if msgs == nil {
			msgs = []mailtest.Message{}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(msgs) //nolint:errcheck
	})
	go http.Serve(ln, mux)                                                                                //nolint:errcheck
	json.NewEncoder(os.Stdout).Encode(map[string]string{"smtp": sink.Addr(), "http": ln.Addr().String()}) //nolint:errcheck

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
}
