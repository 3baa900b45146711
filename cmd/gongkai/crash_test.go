package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// server is a running `gongkai serve`.
type server struct {
	cmd  *exec.Cmd
	base string
	log  *serverLog
}

// serverLog keeps what the server prints and tells when it says it is
// serving, which it does once its port is bound.
type serverLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	serving chan struct{}
	once    sync.Once
}

func (l *serverLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.buf.Write(p)
	if strings.Contains(l.buf.String(), "gongkai 已启动：") {
		l.once.Do(func() { close(l.serving) })
	}
	return n, err
}

func (l *serverLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServer(t *testing.T, env []string, data, addr string) *server {
	t.Helper()
	s := &server{base: "http://" + addr, log: &serverLog{serving: make(chan struct{})}}
	s.cmd = exec.Command(bin, "serve", "--data", data, "--addr", addr)
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Kill()
			s.cmd.Wait()
		}
	})
	select {
	case <-s.log.serving:
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not say it is serving: %s", s.log)
	}
	res, err := http.Get(s.base + "/healthz")
	if err != nil {
		t.Fatalf("server said it is serving but does not answer: %v: %s", err, s.log)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
	return s
}

// TestCrashLosesNothingAcknowledged kills the server with SIGKILL while
// clients are creating units, restarts it on the same data, and checks that
// every creation it had answered 201 to is there.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	engines(t, func(t *testing.T, env []string, data string) {
		for _, args := range [][]string{
			{"unit", "add", "--data", data, "--code", "440100", "--name", "广州市人民政府", "--kind", "city"},
			{"user", "add", "--data", data, "--unit", "440100", "--role", "admin", "--name", "crash-admin"},
		} {
			if r := gongkai(t, env, "crash-admin-2026\n", args...); r.code != 0 {
				t.Fatal(r.stderr)
			}
		}
		addr := freeAddr(t)
		s := startServer(t, env, data, addr)
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.PostForm(s.base+"/admin/login", url.Values{"login": {"crash-admin"}, "password": {"crash-admin-2026"}})
		if err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %v %v", res, err)
		}
		res.Body.Close()

		var mu sync.Mutex
		acked := map[string]bool{}
		var wg sync.WaitGroup
		enough := make(chan struct{})
		var once sync.Once
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					code := fmt.Sprintf("440100-%d%04d", w+1, i)
					body, _ := json.Marshal(map[string]any{"code": code, "name": "单位" + code, "kind": "city_department", "parent": "440100"})
					req, _ := http.NewRequest("POST", s.base+"/api/v1/admin/units", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					res, err := client.Do(req)
					if err != nil {
						return // the server is gone
					}
					res.Body.Close()
					if res.StatusCode == http.StatusCreated {
						mu.Lock()
						acked[code] = true
						if len(acked) >= 150 {
							once.Do(func() { close(enough) })
						}
						mu.Unlock()
					} else if res.StatusCode != http.StatusServiceUnavailable {
						t.Errorf("create %s: %d", code, res.StatusCode)
						return
					}
				}
			}(w)
		}
		select {
		case <-enough:
		case <-time.After(30 * time.Second):
			t.Fatal("the server did not acknowledge 150 writes in 30 s")
		}
		// Mid-write: no chance to flush or finish anything.
		if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		s.cmd.Wait()
		wg.Wait()
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		t.Logf("%d writes acknowledged before SIGKILL", n)

		s = startServer(t, env, data, addr)
		res, err = http.Get(s.base + "/api/v1/units")
		if err != nil {
			t.Fatal(err)
		}
		var list struct{ Units []struct{ Code string } }
		json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		have := map[string]bool{}
		for _, u := range list.Units {
			have[u.Code] = true
		}
		lost := 0
		for code := range acked {
			if !have[code] {
				lost++
			}
		}
		if lost > 0 {
			t.Errorf("%d of %d acknowledged units lost", lost, n)
		}
		// Stop gracefully, then check the audit chain.
		s.cmd.Process.Signal(syscall.SIGTERM)
		if err := s.cmd.Wait(); err != nil {
			t.Errorf("graceful stop: %v: %s", err, s.log)
		}
		if r := gongkai(t, env, "", "audit", "verify", "--data", data); r.code != 0 {
			t.Errorf("audit after the crash: %s", r.stderr)
		}
	})
}
