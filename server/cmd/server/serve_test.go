package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/contract"
)

// serving is a `serve` run by a test: its base URL, its logs, and how to
// stop it as SIGTERM would.
type serving struct {
	base string
	logs *syncBuffer
	stop func() error // cancels the context and returns what run returned
}

// startServe runs `serve` with kv (plus SHOP_DRAIN_DELAY=0s, and
// SHOP_LISTEN_ADDR=127.0.0.1:0 unless kv sets it): the server binds its own
// listener on a port of its choosing and the test reads the address from
// its "listening" log line (no port chosen here and bound again there),
// then waits until /readyz answers 200. The test's end stops it.
func startServe(t *testing.T, kv map[string]string) *serving {
	t.Helper()
	env := map[string]string{contract.EnvListenAddr: "127.0.0.1:0", "SHOP_DRAIN_DELAY": "0s"}
	for k, v := range kv {
		env[k] = v
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), logs) }()
	var result error
	stopped := false
	stop := func() error {
		if !stopped {
			cancel()
			result, stopped = <-done, true
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })

	deadline := time.Now().Add(60 * time.Second)
	wait := func(what string) {
		select {
		case err := <-done:
			result, stopped = err, true
			t.Fatalf("serve exited before %s: %v\n%s", what, err, logs)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve: no %s within 60 s:\n%s", what, logs)
		}
	}
	addr := ""
	for addr == "" {
		addr = listeningAddr(logs.String())
		if addr == "" {
			wait(`"listening" log line`)
		}
	}
	base := "http://" + addr
	for {
		if resp, err := http.Get(base + contract.PathReadyz); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return &serving{base: base, logs: logs, stop: stop}
			}
		}
		wait("ready answer")
	}
}

// listeningAddr is the addr of the JSON log line {"msg":"listening",...}.
func listeningAddr(logs string) string {
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" && rec.Addr != "" {
			return rec.Addr
		}
	}
	return ""
}
