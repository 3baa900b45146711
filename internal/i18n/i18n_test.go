package i18n_test

import (
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
