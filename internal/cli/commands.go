package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gongkai/internal/app"
	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/calendar/calstore"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
	"gongkai/internal/org"
	"gongkai/internal/push"
	"gongkai/internal/web"
)

// cliActor is the audit actor for changes made from the command line.
func cliActor() string {
	u := os.Getenv("USER")
	if u == "" {
		u = "unknown"
	}
	return "cli:" + u
}

func (e *env) openDB(dataDir string) (*db.DB, error) {
	return app.OpenDB(e.ctx, app.Config{DataDir: dataDir, DatabaseURL: databaseURL()})
}

func runServe(e *env, args []string) error {
	fs, data := e.flags()
	addr := fs.String("addr", "127.0.0.1:8080", "cli.flag.addr")
	demo := fs.Bool("demo", false, "cli.flag.demo")
	debugAddr := fs.String("debug-addr", "", "cli.flag.debug_addr")
	publicURL := fs.String("public-url", os.Getenv("GONGKAI_PUBLIC_URL"), "cli.flag.public_url")
	proxies := fs.String("trusted-proxy", os.Getenv("GONGKAI_TRUSTED_PROXIES"), "cli.flag.trusted_proxy")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("%s", i18n.T(e.lang, "cli.extra_args", strings.Join(fs.Args(), " ")))
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return usagef("%s", i18n.T(e.lang, "cli.bad_trusted_proxy", err.Error()))
	}
	pub, err := web.ParsePublicURL(*publicURL)
	if err != nil {
		return usagef("%s", i18n.T(e.lang, "cli.bad_public_url", *publicURL))
	}
	listening := func(bound string) {
		shown := "http://" + bound + "/"
		if pub != "" {
			shown = pub + "/"
		}
		fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.serving", shown))
	}
	gateways, err := push.GatewaysFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	a, err := app.New(e.ctx, app.Config{DataDir: *data, DatabaseURL: databaseURL(), Addr: *addr, Log: log, SMTPURL: os.Getenv("GONGKAI_SMTP_URL"),
		Gateways: gateways, PublicURL: pub, TrustedProxies: trusted, MetricsToken: os.Getenv("GONGKAI_METRICS_TOKEN"), Listening: listening})
	if err != nil {
		return err
	}
	defer a.Close()
	if *debugAddr != "" {
		ln, err := net.Listen("tcp", *debugAddr)
		if err != nil {
			return err
		}
		defer ln.Close()
		// pprof registers itself on the default mux; the metrics join it
		// there, off the public address.
		dbg := http.NewServeMux()
		dbg.Handle("/debug/pprof/", http.DefaultServeMux)
		dbg.Handle("GET /metrics", a.Server.MetricsHandler())
		go http.Serve(ln, dbg) //nolint:errcheck // ends when ln closes
	}
	if *demo {
		loaded, err := app.LoadDemo(e.ctx, a.DB)
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if _, err := app.LoadDemoApplications(e.ctx, a.DB); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if _, err := app.LoadDemoConsultations(e.ctx, a.DB); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if _, err := app.LoadDemoTasks(e.ctx, a.DB); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if _, err := app.LoadDemoMessages(e.ctx, a.DB); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if _, err := app.LoadDemoReports(e.ctx, a.DB); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		if loaded {
			fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.demo_loaded"))
		} else {
			fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.demo_present"))
		}
		fmt.Fprint(e.stdout, i18n.T(e.lang, "cli.demo_logins")+"\n"+app.DemoLogins())
	}
	return a.Run(e.ctx)
}

func runMigrate(e *env, args []string) error {
	fs, data := e.flags()
	if err := e.parse(fs, args); err != nil {
		return err
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	cur, _, err := d.SchemaVersion(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.migrated", cur))
	return nil
}

func runUserAdd(e *env, args []string) error {
	fs, data := e.flags()
	unit := fs.String("unit", "", "cli.flag.user_unit")
	role := fs.String("role", "", "cli.flag.role")
	name := fs.String("name", "", "cli.flag.login")
	display := fs.String("display-name", "", "cli.flag.display_name")
	domain := fs.String("domain", "", "cli.flag.supervisor_domain")
	email := fs.String("email", "", "cli.flag.email")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *unit == "" || *role == "" || *name == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--unit --role --name"))
	}
	pw, err := readPassword(e.stdin)
	if err != nil {
		return err
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	var a auth.Account
	err = d.InTx(e.ctx, func(tx *db.Tx) error {
		a, err = auth.CreateAccount(e.ctx, tx, cliActor(), nil, auth.NewAccount{Login: *name, DisplayName: *display, Email: *email,
			Password: pw, Role: auth.Role(*role), UnitCode: *unit, Domain: *domain})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.user_added", a.Login, string(a.Role), a.Unit.Name))
	return nil
}

// readPassword reads one line from stdin.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errs.New(errs.Invalid, "cli.password_stdin")
	}
	return pw, nil
}

func runUnitAdd(e *env, args []string) error {
	fs, data := e.flags()
	code := fs.String("code", "", "cli.flag.unit_code")
	name := fs.String("name", "", "cli.flag.unit_name")
	nameEn := fs.String("name-en", "", "cli.flag.unit_name_en")
	kind := fs.String("kind", "", "cli.flag.kind")
	parent := fs.String("parent", "", "cli.flag.parent")
	if err := e.parse(fs, args); err != nil {
		return err
	}
	if *code == "" || *name == "" || *kind == "" {
		return usagef("%s", i18n.T(e.lang, "cli.required", "--code --name --kind"))
	}
	d, err := e.openDB(*data)
	if err != nil {
		return err
	}
	defer d.Close()
	var u org.Unit
	err = d.InTx(e.ctx, func(tx *db.Tx) error {
		u, err = org.Create(e.ctx, tx, cliActor(), nil, org.NewUnit{Code: *code, Name: *name, NameEn: *nameEn, Kind: org.Kind(*kind), ParentCode: *parent})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "cli.unit_added", u.Code, u.Name, i18n.T(e.lang, "level."+string(u.Level))))
	return nil
}

// calendarOf returns the calendar with the years loaded into the database
// at dataDir, or the built-in one when there is no database yet, so that a
// calendar query never creates a data directory.
func (e *env) calendarOf(dataDir string) (*calendar.Calendar, error) {
	if databaseURL() == "" {
		if _, err := os.Stat(filepath.Join(dataDir, "gongkai.db")); err != nil {
			return calendar.Default(), nil
		}
	}
	d, err := e.openDB(dataDir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return calstore.Load(e.ctx, d)
}

// calendarArgs parses the flags of calendar days and calendar add and
// returns the start date, the second operand and the calendar to count on.
func (e *env) calendarArgs(args []string) (calendar.Date, string, *calendar.Calendar, error) {
	fs, data := e.flags()
	assume := fs.Bool("assume-weekends", false, "cli.flag.assume_weekends")
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return calendar.Date{}, "", nil, err
	}
	if len(pos) != 2 {
		return calendar.Date{}, "", nil, usagef("%s", i18n.T(e.lang, "cli.args", 2))
	}
	from, err := calendar.ParseDate(pos[0])
	if err != nil {
		return calendar.Date{}, "", nil, err
	}
	cal, err := e.calendarOf(*data)
	if err != nil {
		return calendar.Date{}, "", nil, err
	}
	if *assume {
		cal = cal.AssumeWeekends()
	}
	return from, pos[1], cal, nil
}

// noData turns a calendar's refusal to count in a year without data into
// a user error that says how to go on.
func noData(err error) error {
	var nd *calendar.NoDataError
	if errors.As(err, &nd) {
		return errs.New(errs.Invalid, "cli.calendar_no_data", nd.UserError())
	}
	return err
}

// runCalendarDays prints whether each day from FROM to TO is a working day.
func runCalendarDays(e *env, args []string) error {
	from, toArg, cal, err := e.calendarArgs(args)
	if err != nil {
		return err
	}
	to, err := calendar.ParseDate(toArg)
	if err != nil {
		return err
	}
	if to.Before(from) {
		return usagef("%s", i18n.T(e.lang, "calendar.to_before_from"))
	}
	// Check the whole range before printing anything.
	for d := from; !d.After(to); d = d.AddDays(1) {
		if _, err := cal.IsWorkday(d); err != nil {
			return noData(err)
		}
	}
	w := bufio.NewWriter(e.stdout)
	assumed := false
	for d := from; !d.After(to); d = d.AddDays(1) {
		work, _ := cal.IsWorkday(d)
		state := "off"
		if work {
			state = "work"
		}
		fmt.Fprintf(w, "%s %s\n", d, state)
		assumed = assumed || cal.Assumed(d)
	}
	return e.calendarDone(w, assumed)
}

// runCalendarAdd prints the Nth working day after FROM.
func runCalendarAdd(e *env, args []string) error {
	from, nArg, cal, err := e.calendarArgs(args)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(nArg)
	if err != nil || n < 0 {
		return usagef("%s", i18n.T(e.lang, "calendar.bad_n", nArg))
	}
	d, err := cal.AddWorkdays(from, n)
	if err != nil {
		return noData(err)
	}
	w := bufio.NewWriter(e.stdout)
	fmt.Fprintln(w, d)
	return e.calendarDone(w, cal.Assumed(d) || cal.Assumed(from))
}

// calendarDone flushes the answer and says when plain weekends were assumed.
func (e *env) calendarDone(w *bufio.Writer, assumed bool) error {
	if err := w.Flush(); err != nil {
		return err
	}
	if assumed {
		fmt.Fprintln(e.stderr, i18n.T(e.lang, "cli.calendar_assumed"))
	}
	return nil
}

// runCalendarLoad validates a year's holiday file and loads it.
func runCalendarLoad(e *env, args []string) error {
	fs, data := e.flags()
	pos, err := e.parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("%s", i18n.T(e.lang, "cli.args", 1))
	}
	return e.calendarLoad(*data, pos[0])
}

func (e *env) calendarLoad(dataDir, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return errs.New(errs.Invalid, "cli.cannot_read", file, err.Error())
	}
	d, err := e.openDB(dataDir)
	if err != nil {
		return err
	}
	defer d.Close()
	var y calendar.Year
	err = d.InTx(e.ctx, func(tx *db.Tx) error {
		y, err = calstore.Save(e.ctx, tx, cliActor(), b)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, i18n.T(e.lang, "calendar.loaded", strconv.Itoa(y.Year)))
	return nil
}

// parsePrefixes reads a comma-separated list of addresses and CIDR ranges.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q", f)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
