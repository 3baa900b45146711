package i18n_test

import (
	"strings"
	"testing"

	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

// An error quoted in another message is rendered in the reader's language,
// with its own arguments.
func TestErrorAsArgument(t *testing.T) {
	inner := errs.InvalidField("file", "info.file_type", ".exe")
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.Zh, "文件“setup.exe”：不支持.exe格式的附件：可以上传PDF、DOCX、XLSX和图片。"},
		{i18n.En, "File “setup.exe”: .exe files are not accepted: upload PDF, DOCX, XLSX or images."},
	} {
		if got := i18n.T(tc.lang, "foi.file_refused", "setup.exe", inner); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.lang, got, tc.want)
		}
	}
}

// A count picks its English form: one working day, not "1 working days";
// Chinese has one form.
func TestN(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		n    int
		want string
	}{
		{i18n.En, 1, "1 working day left"},
		{i18n.En, 0, "0 working days left"},
		{i18n.En, 2, "2 working days left"},
		{i18n.Zh, 1, "还剩1个工作日"},
		{i18n.Zh, 2, "还剩2个工作日"},
	} {
		if got := i18n.N(tc.lang, "foi.days_left", tc.n); got != tc.want {
			t.Errorf("%v %d: got %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	if got, want := i18n.N(i18n.En, "inspect.notice_summary", 1, "Li", "2026-11-02", 1, "2026-11-03"), "Sent by Li on 2026-11-02: fix within 1 working day, by 2026-11-03."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Every counted message has both forms in every catalog.
func TestPluralForms(t *testing.T) {
	for _, l := range i18n.Langs {
		for _, k := range i18n.Keys(l) {
			if base, ok := strings.CutSuffix(k, ".one"); ok && !i18n.Has(base+".other") {
				t.Errorf("%s: %s has no .other form", l, k)
			}
		}
	}
}
