package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/foi"
	"gongkai/internal/org"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplate()
	os.Exit(code)
}

func TestDemoLoadsOnce(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loaded, err := app.LoadDemo(ctx, d)
		if err != nil || !loaded {
			t.Fatalf("first load: %v %v", loaded, err)
		}
		city, err := org.ByCode(ctx, d, "440100")
		if err != nil {
			t.Fatal(err)
		}
		counts, err := org.CountByKind(ctx, d, city)
		if err != nil {
			t.Fatal(err)
		}
		// The city, its 27 departments, the 11 districts, towns and streets
		// of at least two districts.
		if counts[org.City] != 1 || counts[org.CityDepartment] < 26 || counts[org.District] != 11 || counts[org.Street] < 30 || counts[org.Town] < 1 {
			t.Errorf("demo units: %v", counts)
		}
		again, err := app.LoadDemo(ctx, d)
		if err != nil || again {
			t.Fatalf("second load: %v %v", again, err)
		}
		counts2, _ := org.CountByKind(ctx, d, city)
		if len(counts2) != len(counts) {
			t.Errorf("second load changed the units: %v → %v", counts, counts2)
		}
		for k, n := range counts {
			if counts2[k] != n {
				t.Errorf("%s: %d → %d", k, n, counts2[k])
			}
		}
		// One account per role, each able to log in with the printed password.
		roles := map[auth.Role]bool{}
		for _, da := range app.DemoAccounts {
			a, err := auth.CheckCredentials(ctx, d, da.Login, da.Password, "127.0.0.1")
			if err != nil {
				t.Errorf("demo login %s: %v", da.Login, err)
				continue
			}
			roles[a.Role] = true
			if !strings.Contains(app.DemoLogins(), da.Login) || !strings.Contains(app.DemoLogins(), da.Password) {
				t.Errorf("%s is not printed", da.Login)
			}
		}
		for _, r := range auth.Roles {
			if !roles[r] {
				t.Errorf("no demo account for %s", r)
			}
		}
	})
}

// TestShutdownLetsRequestsFinish stops the server while a request is still
// being received and checks that it is answered, that no new connection is
// taken, and that Run returns cleanly.
func TestShutdownLetsRequestsFinish(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listening := make(chan string, 1)
	a, err := app.New(ctx, app.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Listening: func(addr string) { listening <- addr }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := app.LoadDemo(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	addr := <-listening
	base := "http://" + addr
	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	// A login whose body is sent after the shutdown starts. The server's
	// "100 Continue" says the handler is reading the body: the request is
	// in flight.
	form := "login=admin&password=gongkai-admin-2026"
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /admin/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", addr, len(form))
	br := bufio.NewReader(conn)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("no 100 Continue: %q %v", line, err)
	}
	if _, err := br.ReadString('\n'); err != nil { // the blank line ending it
		t.Fatal(err)
	}
	cancel() // SIGINT or SIGTERM
	// The shutdown has begun once the listener refuses connections.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections 10s after the shutdown began")
		}
		runtime.Gosched()
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned with a request in flight: %v", err)
	default:
	}
	if c, err := (&http.Client{Timeout: time.Second}).Get(base + "/healthz"); err == nil {
		c.Body.Close()
		t.Error("a new request was served after shutdown began")
	}
	io.WriteString(conn, form)
	res, err = http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("in-flight login: %v %v", res, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the last request")
	}
}

// The demo's applications load once, at every stage, with one group asked
// for often enough to disclose proactively.
func TestDemoApplications(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := app.LoadDemo(ctx, d); err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			loaded, err := app.LoadDemoApplications(ctx, d)
			if err != nil || loaded != want {
				t.Fatalf("load %d: %v %v", i+1, loaded, err)
			}
		}
		city, _ := org.ByCode(ctx, d, "440100")
		today := calendar.DateOf(d.Now().In(calendar.China))
		ls, total, err := foi.List(ctx, d, calendar.Default().AssumeWeekends(), foi.Filter{Scope: city, Limit: 100}, today)
		if err != nil || total != 9 {
			t.Fatalf("%d applications, %v", total, err)
		}
		states := map[string]int{}
		for _, l := range ls {
			states[l.Status]++
		}
		if states[foi.StatusDelivered] != 6 || states[foi.StatusPending] != 1 || states[foi.StatusCorrection] != 1 || states[foi.StatusConsulting] != 1 {
			t.Errorf("states: %v", states)
		}
		cs, err := foi.Candidates(ctx, d, city, today)
		if err != nil || len(cs) != 1 || cs[0].Applicants != 3 {
			t.Errorf("candidates for proactive disclosure: %+v, %v", cs, err)
		}
	})
}
