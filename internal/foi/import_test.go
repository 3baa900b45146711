package foi

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"gongkai/internal/db"
	"gongkai/internal/db/dbtest"
	"gongkai/internal/errs"
	"gongkai/internal/i18n"
)

const importHeader = "id,unit,received_date,applicant_type,channel,description,result,result_date\n"

// importFile runs Import on file in a transaction that is committed even
// when Import fails, so that a test sees whatever Import wrote.
func (f *fixture) importFile(t *testing.T, file string) (int, error) {
	t.Helper()
	var n int
	var ierr error
	f.tx(t, func(tx *db.Tx) error {
		n, ierr = Import(context.Background(), tx, "cli:test", strings.NewReader(file))
		return nil
	})
	return n, ierr
}

func TestImport(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// A byte-order mark, CRLF line ends, a quoted field with commas,
		// quotes and a line break, and control characters in a description.
		file := "\ufeff" + strings.ReplaceAll(importHeader, "\n", "\r\n") +
			"HZ-2024-001,440105-001,2024-03-04,natural_person,in_person,\"关于2023年\"\"低保\"\"发放名单，含金额\",granted,2024-03-20\r\n" +
			"HZ-2026-017 , 440105-001 ,2026-06-01,commercial_enterprise,post,\"某小区旧改补偿方案\n（第二期）\",,\r\n" +
			"XG-2025-3,440105-002,2025-12-01,other,online,征地\x00补偿\x1b标准,other_other,2025-12-01\r\n"
		n, err := f.importFile(t, file)
		if err != nil || n != 3 {
			t.Fatalf("import: %d, %v", n, err)
		}
		want := map[string]struct{ unit, status, result, resultDate, clock, description string }{
			"HZ-2024-001": {"440105-001", StatusReplied, Granted, "2024-03-20", "2024-03-04", "关于2023年\"低保\"发放名单，含金额"},
			"HZ-2026-017": {"440105-001", StatusProcessing, "", "", "2026-06-01", "某小区旧改补偿方案\n（第二期）"},
			"XG-2025-3":   {"440105-002", StatusReplied, OtherOther, "2025-12-01", "2025-12-01", "征地补偿标准"},
		}
		for no, w := range want {
			app, err := load(ctx, d, `a.tracking_no = ?`, no)
			if err != nil {
				t.Fatalf("%s: %v", no, err)
			}
			if app.Unit.Code != w.unit || app.Status != w.status || app.Result != w.result || app.ResultDate != w.resultDate ||
				app.ClockStart != w.clock || app.ReceivedDate != w.clock || app.Description != w.description {
				t.Errorf("%s: got %s %s %s %s clock %s received %s %q", no, app.Unit.Code, app.Status, app.Result, app.ResultDate, app.ClockStart, app.ReceivedDate, app.Description)
			}
			if !app.Imported || app.Applicant.Name != ImportedApplicant || app.Applicant.IDNumber != "" {
				t.Errorf("%s: imported %v, applicant %+v", no, app.Imported, app.Applicant)
			}
			if len(app.Events) != 1 || app.Events[0].Kind != "imported" || app.Events[0].Actor != "cli:test" || app.Events[0].Day != w.clock {
				t.Errorf("%s: events %+v", no, app.Events)
			}
			var hash string
			if err := d.QueryRow(ctx, `SELECT query_hash FROM foi_applications WHERE id = ?`, app.ID).Scan(&hash); err != nil || hash != "" {
				t.Errorf("%s: query hash %q, %v", no, hash, err)
			}
			// No query code opens an imported application.
			for _, code := range []string{"", " ", strings.Repeat("A", 8)} {
				if _, err := ByTracking(ctx, d, no, code); errs.KindOf(err) != errs.NotFound {
					t.Errorf("%s with code %q: %v", no, code, err)
				}
			}
		}
		// The open one runs its clock from the receipt date: 20 working
		// days after 2026-06-01, with 端午节 (19 June) off, is 2026-06-30.
		app, _ := load(ctx, d, `a.tracking_no = ?`, "HZ-2026-017")
		if dl, ok, err := app.Deadline(f.cal); err != nil || !ok || dl.String() != "2026-06-30" {
			t.Errorf("deadline %v %v %v", dl, ok, err)
		}

		// The same numbers again: nothing is imported twice.
		_, err = f.importFile(t, importHeader+"HZ-2024-001,440105-001,2024-03-04,natural_person,in_person,再次导入的申请,,\n")
		if !problem(err, "foi.import.exists", 2) {
			t.Errorf("re-import: %v", err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM foi_applications`); n != 3 {
			t.Errorf("%d applications after a refused re-import, want 3", n)
		}
	})
}

func TestImportBadLines(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lines := []string{
			"OK-1,440105-001,2026-01-05,natural_person,in_person,一件没有问题的申请,,",               // 2
			"OK-2,999999,2026-01-05,natural_person,in_person,未知的机关,,",                       // 3
			"OK-3,440105-001,2026-02-30,natural_person,in_person,日期不存在,,",                   // 4
			"OK-4,440105-001,2026-07-01,natural_person,in_person,收到日期在将来,,",                 // 5
			"OK-5,440105-001,2026-01-05,自然人,in_person,申请人类型写成中文,,",                          // 6
			"OK-6,440105-001,2026-01-05,natural_person,wechat,渠道不对,,",                       // 7
			"OK-7,440105-001,2026-01-05,natural_person,in_person,有结果没有日期,granted,",          // 8
			"OK-8,440105-001,2026-01-05,natural_person,in_person,办结早于收到,granted,2026-01-04", // 9
			"OK-9,440105-001,2026-01-05,natural_person,in_person,有日期没有结果,,2026-01-06",       // 10
			"OK-1,440105-001,2026-01-05,natural_person,in_person,编号重复,,",                    // 11
			"OK-11,440105-001,2026-01-05",                                                     // 12
			"OK-12,440105-001,2026-01-05,natural_person,in_person,,,",                         // 13
			"YSQ2026061500001,440105-001,2026-01-05,natural_person,in_person,与本系统编号同形,,",      // 14
			"OK-14,440105-001,2026-01-05,natural_person,in_person,结果无效,yes,2026-01-06",        // 15
			"OK-15,440105-001,2026-01-05,natural_person,in_person,办结日期在将来,granted,2026-06-16", // 16
			",440105-001,2026-01-05,natural_person,in_person,没有编号,,",                          // 17
		}
		_, err := f.importFile(t, importHeader+strings.Join(lines, "\n")+"\n")
		for _, w := range []struct {
			key  string
			line int
		}{
			{"import.line_bad", 3}, {"foi.import.date", 4}, {"foi.import.future", 5}, {"foi.import.choice", 6}, {"foi.import.choice", 7},
			{"import.line_missing", 8}, {"foi.import.result_before", 9}, {"foi.import.date_without_result", 10}, {"foi.import.duplicate", 11},
			{"foi.import.columns", 12}, {"import.line_missing", 13}, {"foi.import.reserved", 14}, {"import.line_bad", 15},
			{"foi.import.future", 16}, {"import.line_missing", 17},
		} {
			if !problem(err, w.key, w.line) {
				t.Errorf("no %s for line %d in %v", w.key, w.line, err)
			}
		}
		for _, e := range asMulti(err) {
			if len(e.Args) > 0 && e.Args[0] == 2 {
				t.Errorf("the good line 2 is reported: %s%v", e.Key, e.Args)
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM foi_applications`); n != 0 {
			t.Errorf("%d applications stored from a file with bad lines", n)
		}
		// Every message names its line, in both languages.
		for _, e := range err.(errs.Multi) {
			line := e.Args[0].(int)
			if zh := i18n.T(i18n.Zh, e.Key, e.Args...); !strings.Contains(zh, "第"+strconv.Itoa(line)+"行") {
				t.Errorf("%s: %s", e.Key, zh)
			}
			if en := i18n.T(i18n.En, e.Key, e.Args...); !strings.Contains(en, "Line "+strconv.Itoa(line)) || strings.Contains(en, "%!") {
				t.Errorf("%s: %s", e.Key, en)
			}
		}
	})
}

func TestImportHostile(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		good := "OK-1,440105-001,2026-01-05,natural_person,in_person,一件没有问题的申请,,\n"
		for _, c := range []struct {
			name, file, key string
			line            any
		}{
			{"empty", "", "import.empty", nil},
			{"header only", importHeader, "import.empty", nil},
			{"other header", "编号,机关,收到日期,类型,渠道,描述,结果,办结日期\n" + good, "foi.import.header", nil},
			{"columns swapped", "unit,id,received_date,applicant_type,channel,description,result,result_date\n" + good, "foi.import.header", nil},
			{"bare quote", importHeader + good + "OK-2,440105-001,2026-01-05,natural_person,in_person,引号\"不成对,,\n", "table.bad_csv", 3},
			{"open quote", importHeader + good + "\"OK-2,440105-001,2026-01-05,natural_person,in_person,没有结尾,,\n", "table.bad_csv", 3},
			{"too many columns", importHeader + "OK-2,440105-001,2026-01-05,natural_person,in_person,多一列,,,x\n", "foi.import.columns", 2},
			{"long id", importHeader + strings.Repeat("9", 41) + ",440105-001,2026-01-05,natural_person,in_person,编号太长,,\n", "foi.import.too_long", 2},
			{"long description", importHeader + "OK-2,440105-001,2026-01-05,natural_person,in_person," + strings.Repeat("长", maxDescription+1) + ",,\n", "foi.import.too_long", 2},
			{"control in id", importHeader + "OK\x00-2,440105-001,2026-01-05,natural_person,in_person,编号有控制字符,,\n", "import.line_bad", 2},
			{"control in unit", importHeader + "OK-2,4401\x0005-001,2026-01-05,natural_person,in_person,机关代码有控制字符,,\n", "import.line_bad", 2},
			{"SQL in unit", importHeader + "OK-2,440105-001' OR '1'='1,2026-01-05,natural_person,in_person,注入,,\n", "import.line_bad", 2},
			{"GBK", importHeader + "OK-2,440105-001,2026-01-05,natural_person,in_person,\xc9\xea\xc7\xeb,,\n", "foi.import.encoding", 2},
			{"too large", importHeader + strings.Repeat("x", MaxImportBytes), "table.too_large", nil},
		} {
			_, err := f.importFile(t, c.file)
			if !problem(err, c.key, c.line) {
				t.Errorf("%s: want %s (line %v), got %v", c.name, c.key, c.line, err)
			}
			for _, e := range asMulti(err) {
				if msg := i18n.T(i18n.Zh, e.Key, e.Args...); strings.ContainsRune(msg, 0) || len(msg) > 400 {
					t.Errorf("%s: message %q", c.name, msg)
				}
			}
		}
		if n := f.count(t, `SELECT COUNT(*) FROM foi_applications`); n != 0 {
			t.Errorf("%d applications stored from bad files", n)
		}

		// Many bad lines: the first maxImportErrors are listed, the rest
		// counted.
		file := importHeader + strings.Repeat("X,nowhere,2026-01-05,natural_person,in_person,机关不存在,,\n", 150)
		_, err := f.importFile(t, file)
		m := asMulti(err)
		if len(m) != maxImportErrors+1 || !problem(err, "foi.import.more", nil) {
			t.Errorf("%d problems, last %v", len(m), m[len(m)-1])
		}
	})
}
