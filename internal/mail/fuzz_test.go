package mail_test

import (
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/mail"
)

// configURL writes c back as a relay URL, the way an operator would.
func configURL(c mail.Config) string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
	if c.User != "" || c.Password != "" {
		u.User = url.UserPassword(c.User, c.Password)
	}
	u.RawQuery = url.Values{"from": {c.From}, "tls": {c.TLS}}.Encode()
	return u.String()
}

// FuzzParseURL checks that ParseURL never panics, that its errors never
// show the password, and that what it accepts is a usable relay that
// written back as a URL reads the same.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"smtp://user:secret-pass@relay.example.gov.cn:587?from=gongkai@example.gov.cn&tls=starttls",
		"smtps://relay.example.gov.cn?from=a@b.cn",
		"smtp://127.0.0.1:25?from=a@b.cn&tls=none",
		"smtp://[::1]:2525?from=a@b.cn&tls=none",
		"smtp://u:p%40ss@h:0?from=a@b.cn",
		"smtp://u:p@h:99999?from=a@b.cn",
		"smtp://u:p@h?from=Name+%3Ca@b.cn%3E",
		"smtp://u:pw@h?from=a@b.cn&x=1",
		"http://u:pw@h?from=a@b.cn",
		"smtp://:pw@h?from=a@b.cn&tls=tls",
		"smtp://u:pw@h?from=a@b.cn;tls=none",
		"smtp://u:pw@h?from=a%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := mail.ParseURL(raw)
		if err != nil {
			u, perr := url.Parse(raw)
			if perr != nil || u.User == nil {
				return
			}
			pw, _ := u.User.Password()
			u.User = nil
			if len(pw) >= 3 && strings.Contains(err.Error(), pw) && !strings.Contains(u.String(), pw) {
				t.Fatalf("the error shows the password %q: %v", pw, err)
			}
			return
		}
		if c.Host == "" || c.Port < 1 || c.Port > 65535 {
			t.Fatalf("accepted host %q port %d", c.Host, c.Port)
		}
		if c.TLS != mail.StartTLS && c.TLS != mail.TLS && c.TLS != mail.NoTLS {
			t.Fatalf("accepted tls %q", c.TLS)
		}
		if a, err := netmail.ParseAddress(c.From); err != nil || a.Address != c.From || a.Name != "" {
			t.Fatalf("accepted from %q: %v", c.From, err)
		}
		again, err := mail.ParseURL(configURL(c))
		if err != nil {
			t.Fatalf("%q written back as %q does not parse: %v", raw, configURL(c), err)
		}
		if again != c {
			t.Fatalf("%q reads as %+v, written back as %q reads as %+v", raw, c, configURL(c), again)
		}
	})
}
