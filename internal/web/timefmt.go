package web

import (
	"time"

	"gongkai/internal/calendar"
)

// Layouts of the times pages show.
const (
	layoutDate   = "2006-01-02"
	layoutMinute = "2006-01-02 15:04"
	layoutSecond = "2006-01-02 15:04:05"
)

// chinaTime formats t in China time (calendar.China), whatever the zone t
// carries or the server runs in: stores return UTC, and a page that
// formatted that directly showed 01:39 where another showed 09:39. Every
// time a page shows goes through here; a zero time is shown as "".
func chinaTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.China).Format(layout)
}

// timeFuncs are the template functions for times: date (2006-01-02),
// minute (… 15:04) and second (… 15:04:05).
var timeFuncs = map[string]any{
	"date":   func(t time.Time) string { return chinaTime(t, layoutDate) },
	"minute": func(t time.Time) string { return chinaTime(t, layoutMinute) },
	"second": func(t time.Time) string { return chinaTime(t, layoutSecond) },
}
