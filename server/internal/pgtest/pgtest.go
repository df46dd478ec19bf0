// Package pgtest gives tests a real, throwaway PostgreSQL.
//
// If SHOP_TEST_DATABASE_URL is set (a URL whose role may CREATE DATABASE),
// that server is used. Otherwise one private server is started per test
// binary from the Debian packages' binaries (/usr/lib/postgresql/<v>/bin):
// initdb into a temporary directory, postgres on a free 127.0.0.1 port with
// its unix socket in that directory and fsync off. initdb and postgres
// refuse to run as root, so as root they run as the `postgres` user.
//
// Missing binaries are an error naming the package to install; tests must
// fail on it, never skip.
//
// Typical use, one server per test binary and one database per test:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestX(t *testing.T) {
//		dsn := pgtest.NewDatabase(t) // fresh, empty database
//		...
//	}
//
// Templates make per-test databases cheap: migrate once into
// pgtest.Template(name, fn), then NewDatabaseFrom(t, name).
//
// StartLocal(Options{TLS: ...}) starts a private server with ssl on and the
// given certificate, for tests of verified TLS connections; Halt and
// Restart stop and start such a private server again (a database outage).
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver
)

// EnvDatabaseURL names an existing server to use instead of starting one.
const EnvDatabaseURL = "SHOP_TEST_DATABASE_URL"

// Server is a PostgreSQL server that tests may create databases on.
type Server struct {
	base    *url.URL // URL of the maintenance database
	dir     string   // temp dir of a started server ("" for an external one)
	cmd     *exec.Cmd
	exited  chan struct{}
	seq     atomic.Int64
	mu      sync.Mutex
	tmplErr map[string]error

	// What launched a started server, for Restart.
	bin, logPath string
	args         []string
	cred         *syscall.Credential
}

// Start starts a throwaway server (or uses SHOP_TEST_DATABASE_URL) and
// returns the URL of a fresh, empty database on it and a stop function.
// For programs that are not tests (benchmarks).
func Start() (dsn string, stop func(), err error) {
	srv, err := NewServer()
	if err != nil {
		return "", nil, err
	}
	dsn, err = srv.CreateDatabase(context.Background(), "")
	if err != nil {
		srv.Stop()
		return "", nil, err
	}
	return dsn, srv.Stop, nil
}

// NewServer connects to SHOP_TEST_DATABASE_URL or starts a private server.
func NewServer() (*Server, error) {
	if raw := os.Getenv(EnvDatabaseURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("pgtest: %s is not a URL: %w", EnvDatabaseURL, err)
		}
		s := &Server{base: u, tmplErr: map[string]error{}}
		if err := s.ping(context.Background()); err != nil {
			return nil, fmt.Errorf("pgtest: %s=%s is not reachable: %w", EnvDatabaseURL, u.Redacted(), err)
		}
		return s, nil
	}
	return startLocal(Options{})
}

// Options configure a server that StartLocal starts.
type Options struct {
	// TLS, when not nil, turns ssl on with this certificate and key.
	// Default: ssl off.
	TLS *TLS
}

// TLS is the server's certificate chain and private key, PEM-encoded.
type TLS struct {
	CertPEM, KeyPEM []byte
}

// StartLocal starts a private server with opts, always from the local
// binaries (SHOP_TEST_DATABASE_URL is not used: the options must apply).
// Stop it when done.
func StartLocal(opts Options) (*Server, error) { return startLocal(opts) }

// binDir finds the newest /usr/lib/postgresql/<v>/bin holding initdb.
func binDir() (string, error) {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	if len(matches) > 0 {
		return filepath.Dir(matches[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("pgtest: PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin or PATH: " +
		"install the Debian package `postgresql` (apt-get install -y postgresql), or set " + EnvDatabaseURL +
		" to a server where this role may CREATE DATABASE")
}

func version(initdb string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return v
}

// runAs returns the credential to run the server binaries with: nil for a
// non-root user, the `postgres` user for root.
func runAs() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, os.Getuid(), os.Getgid(), nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, 0, 0, errors.New("pgtest: running as root, and initdb/postgres refuse root; there is no `postgres` " +
			"user to run them as: install the Debian package `postgresql` (it creates the user) or `useradd -r postgres`, " +
			"or set " + EnvDatabaseURL)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid, gid, nil
}

func startLocal(opts Options) (_ *Server, err error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	cred, uid, gid, err := runAs()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: chown %s: %w", dir, err)
	}
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "sock")
	if err := os.Mkdir(sock, 0o700); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if err := os.Chown(sock, uid, gid); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}

	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}

	logPath := filepath.Join(dir, "postgres.log")
	var tlsArgs []string
	if opts.TLS != nil {
		if tlsArgs, err = writeTLS(dir, opts.TLS, uid, gid); err != nil {
			return nil, err
		}
	}
	// The port is chosen free, then postgres binds it: another process (a
	// parallel test package starting its own server) can take it between
	// the two. postgres then exits saying so, and it is started again on
	// another port.
	for attempt := 1; ; attempt++ {
		port, err := choosePort()
		if err != nil {
			return nil, err
		}
		args := append([]string{"-D", data, "-p", strconv.Itoa(port),
			"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + sock,
			"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
			"-c", "max_connections=300", "-c", "shared_buffers=32MB", "-c", "log_min_messages=warning"}, tlsArgs...)
		s := &Server{
			base:    &url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/postgres", RawQuery: "sslmode=disable"},
			dir:     dir,
			tmplErr: map[string]error{},
			bin:     bin,
			logPath: logPath,
			args:    args,
			cred:    cred,
		}
		_ = os.Remove(logPath) // a retry reads only its own start-up
		err = s.launch()
		if err == nil {
			return s, nil
		}
		if attempt == portAttempts || !portTaken(logPath) {
			return nil, err
		}
	}
}

// portAttempts is how many ports startLocal tries before giving up.
const portAttempts = 5

// choosePort picks the port of the next server (a variable for the test
// that makes it collide).
var choosePort = freePort

// portTaken reports whether postgres's start-up log says its port was
// taken ("could not bind IPv4 address ...: Address already in use").
func portTaken(logPath string) bool {
	log, _ := os.ReadFile(logPath)
	return strings.Contains(string(log), "Address already in use")
}

// launch starts postgres with s's arguments and waits until it accepts
// connections.
func (s *Server) launch() error {
	logFile, err := os.OpenFile(s.logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(filepath.Join(s.bin, "postgres"), s.args...)
	// Pdeathsig: if the test binary dies without Stop, the server follows.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGTERM, Setpgid: true}
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: starting postgres: %w", err)
	}
	exited := make(chan struct{})
	s.cmd, s.exited = cmd, exited
	go func() { cmd.Wait(); close(exited) }() //nolint:errcheck

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		// Each try is short: a port answered by something else (taken
		// since it was chosen) must not hold the loop past postgres exiting.
		pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
		perr := s.ping(pctx)
		pcancel()
		if perr == nil {
			return nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(s.logPath)
			return fmt.Errorf("pgtest: postgres exited during start-up:\n%s", log)
		case <-ctx.Done():
			s.Stop()
			log, _ := os.ReadFile(s.logPath)
			return fmt.Errorf("pgtest: postgres did not accept connections within 60s (%v):\n%s", perr, log)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Halt stops a server started by StartLocal (fast shutdown: sessions are
// terminated, then the port refuses connections) and keeps its data, so
// that Restart can bring it back on the same port: the database outage of
// a test. Never halt the Shared server, other tests use it.
func (s *Server) Halt() error {
	if s.cmd == nil {
		return errors.New("pgtest: Halt needs a server started by StartLocal")
	}
	select {
	case <-s.exited:
		return nil
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		return fmt.Errorf("pgtest: stopping postgres: %w", err)
	}
	select {
	case <-s.exited:
		return nil
	case <-time.After(60 * time.Second):
		return errors.New("pgtest: postgres did not stop within 60s")
	}
}

// Restart starts a halted server again with the same data and port and
// waits until it accepts connections.
func (s *Server) Restart() error {
	if s.cmd == nil {
		return errors.New("pgtest: Restart needs a server started by StartLocal")
	}
	select {
	case <-s.exited:
	default:
		return errors.New("pgtest: Restart of a server that is running")
	}
	return s.launch()
}

// writeTLS writes the certificate and key where the server (running as
// uid) may read them; postgres refuses a key that others can read.
func writeTLS(dir string, t *TLS, uid, gid int) ([]string, error) {
	cert, key := filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key")
	for path, data := range map[string][]byte{cert: t.CertPEM, key: t.KeyPEM} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, fmt.Errorf("pgtest: %w", err)
		}
		if err := os.Chown(path, uid, gid); err != nil {
			return nil, fmt.Errorf("pgtest: chown %s: %w", path, err)
		}
	}
	return []string{"-c", "ssl=on", "-c", "ssl_cert_file=" + cert, "-c", "ssl_key_file=" + key}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) ping(ctx context.Context) error {
	db, err := sql.Open("pgx", s.base.String())
	if err != nil {
		return err
	}
	defer db.Close()
	return db.PingContext(ctx)
}

// URL returns the URL of database name on the server.
func (s *Server) URL(name string) string {
	u := *s.base
	u.Path = "/" + name
	return u.String()
}

func (s *Server) exec(ctx context.Context, query string) error {
	db, err := sql.Open("pgx", s.base.String())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, query)
	return err
}

// CreateDatabase creates a uniquely named database, copied from template
// when it is not "", and returns its URL.
func (s *Server) CreateDatabase(ctx context.Context, template string) (string, error) {
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), s.seq.Add(1))
	q := "CREATE DATABASE " + quoteIdent(name)
	if template != "" {
		q += " TEMPLATE " + quoteIdent(template)
	}
	if err := s.exec(ctx, q); err != nil {
		return "", fmt.Errorf("pgtest: %s: %w", q, err)
	}
	return s.URL(name), nil
}

// DropDatabase drops a database, disconnecting its sessions.
func (s *Server) DropDatabase(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	return s.exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)")
}

// Template creates database name once per server and runs fn (e.g.
// migrations) on its URL; later calls return the first call's error. fn
// must close its connections, or the database cannot serve as a template.
func (s *Server) Template(ctx context.Context, name string, fn func(dsn string) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err, ok := s.tmplErr[name]; ok {
		return err
	}
	err := func() error {
		if err := s.exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
			return err
		}
		if err := s.exec(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
			return err
		}
		return fn(s.URL(name))
	}()
	if err != nil {
		err = fmt.Errorf("pgtest: template %s: %w", name, err)
	}
	s.tmplErr[name] = err
	return err
}

// NewDatabase returns the URL of a fresh database (a copy of template
// when not ""), dropped when the test ends.
func (s *Server) NewDatabase(tb testing.TB, template string) string {
	tb.Helper()
	dsn, err := s.CreateDatabase(context.Background(), template)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.DropDatabase(context.Background(), dsn); err != nil {
			tb.Errorf("pgtest: dropping test database: %v", err)
		}
	})
	return dsn
}

// Stop stops a started server and removes its files (no-op for an
// external one).
func (s *Server) Stop() {
	if s == nil || s.cmd == nil {
		return
	}
	select {
	case <-s.exited:
	default:
		s.cmd.Process.Signal(syscall.SIGINT) //nolint:errcheck // fast shutdown
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill() //nolint:errcheck
			<-s.exited
		}
	}
	os.RemoveAll(s.dir)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// The shared server of a test binary.
var (
	sharedOnce sync.Once
	shared     *Server
	sharedErr  error
)

// Shared returns the test binary's server, starting it on first use. Use
// Main in TestMain so that it is stopped at the end.
func Shared(tb testing.TB) *Server {
	tb.Helper()
	sharedOnce.Do(func() { shared, sharedErr = NewServer() })
	if sharedErr != nil {
		tb.Fatalf("PostgreSQL is required for this test: %v", sharedErr)
	}
	return shared
}

// NewDatabase returns the URL of a fresh, empty database on the shared
// server, dropped when the test ends.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	return Shared(tb).NewDatabase(tb, "")
}

// Main runs the tests and then stops the shared server, if one started.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	os.Exit(code)
}
