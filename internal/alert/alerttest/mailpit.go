package alerttest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Mailpit is a running mailpit: where to send (SMTP) and where to read
// back (its HTTP API).
type Mailpit struct {
	Host string
	Port int
	API  string
}

func absent(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true requires mailpit: " + msg)
	}
	t.Skip("skipping the mail test: " + msg + " (start it with: ~/go/bin/mailpit --smtp 127.0.0.1:1025 --listen 127.0.0.1:8025 " +
		"--smtp-auth-accept-any --smtp-auth-allow-insecure &, or go install github.com/axllent/mailpit@v1.33.1)")
}

// SharedMailpit is the mailpit of PHUCDAP_TEST_SMTP and PHUCDAP_TEST_MAILPIT
// (.ci/run starts it), or 127.0.0.1:1025 / :8025 when those are unset. It
// skips the test when mailpit does not answer, unless CI=true. Other tests
// share it: read back by a recipient address of your own.
func SharedMailpit(t testing.TB) Mailpit {
	t.Helper()
	smtp := os.Getenv("PHUCDAP_TEST_SMTP")
	if smtp == "" {
		smtp = "127.0.0.1:1025"
	}
	api := os.Getenv("PHUCDAP_TEST_MAILPIT")
	if api == "" {
		api = "http://127.0.0.1:8025"
	}
	host, port, err := net.SplitHostPort(smtp)
	if err != nil {
		t.Fatalf("PHUCDAP_TEST_SMTP=%q: %v", smtp, err)
	}
	p, _ := strconv.Atoi(port)
	m := Mailpit{Host: host, Port: p, API: strings.TrimRight(api, "/")}
	if err := m.ping(); err != nil {
		absent(t, fmt.Sprintf("mailpit is not reachable at %s / %s (%v)", smtp, api, err))
	}
	return m
}

func (m Mailpit) ping() error {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(m.Host, strconv.Itoa(m.Port)), 2*time.Second)
	if err != nil {
		return err
	}
	c.Close()
	res, err := http.Get(m.API + "/api/v1/messages?limit=1")
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("API answered %s", res.Status)
	}
	return nil
}

// PrivateMailpit starts a mailpit of the test's own on free loopback ports,
// keeping every message (the shared one keeps only the latest 500), and
// stops it when the test ends. The binary is found on PATH or in
// $GOPATH/bin; without it the test skips, unless CI=true.
func PrivateMailpit(t testing.TB) Mailpit {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			home, _ := os.UserHomeDir()
			gopath = filepath.Join(home, "go")
		}
		bin = filepath.Join(gopath, "bin", "mailpit")
		if _, err := os.Stat(bin); err != nil {
			absent(t, "the mailpit binary is not on PATH nor in "+filepath.Dir(bin))
		}
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort), "--listen", "127.0.0.1:"+strconv.Itoa(httpPort),
		"--max", "0", "--database", filepath.Join(t.TempDir(), "mailpit.db"), "--disable-version-check",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	m := Mailpit{Host: "127.0.0.1", Port: smtpPort, API: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
	deadline := time.Now().Add(15 * time.Second)
	for m.ping() != nil {
		if time.Now().After(deadline) {
			t.Fatal("mailpit did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return m
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Address is a mail address as mailpit reports it.
type Address struct {
	Name    string
	Address string
}

// Summary is one message in a list.
type Summary struct {
	ID      string
	Subject string
	To      []Address
	From    *Address
}

// Message is one message with its parts.
type Message struct {
	ID      string
	Subject string
	To      []Address
	From    *Address
	Text    string
	HTML    string
}

// Search returns how many messages match query (mailpit's search syntax,
// e.g. to:"office@sxd.test") and up to the first 500 of them.
func (m Mailpit) Search(t testing.TB, query string) (int, []Summary) {
	t.Helper()
	var out struct {
		MessagesCount int       `json:"messages_count"`
		Messages      []Summary `json:"messages"`
	}
	m.get(t, "/api/v1/search?limit=500&query="+url.QueryEscape(query), &out)
	return out.MessagesCount, out.Messages
}

// WaitFor polls until query matches at least want messages or timeout, and
// returns the last count.
func (m Mailpit) WaitFor(t testing.TB, query string, want int, timeout time.Duration) (int, []Summary) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		n, list := m.Search(t, query)
		if n >= want || time.Now().After(deadline) {
			return n, list
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Message reads one message.
func (m Mailpit) Message(t testing.TB, id string) Message {
	t.Helper()
	var out Message
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &out)
	return out
}

func (m Mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(m.API + path)
	if err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("mailpit %s: %v", path, err)
	}
}
