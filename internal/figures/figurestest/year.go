package figurestest

import (
	"context"
	"fmt"

	"gongkai/internal/auth"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/figures"
	"gongkai/internal/foi"
	"gongkai/internal/info"
	"gongkai/internal/inspect"
	"gongkai/internal/message"
	"gongkai/internal/org"
	"gongkai/internal/participation"
	"gongkai/internal/push"
	"gongkai/internal/task"
)

// Want are 赤岗街道's counts for 2026 seen from 2027 (the whole year),
// worked out by hand from what Year2026 does; the inspection, whose
// scores the rules give, is checked against the saved runs instead.
var Want = struct {
	Catalogs      figures.Catalogs
	Information   figures.Information
	Consultations figures.Consultations
	Messages      figures.Messages
	Push          figures.Push
	Applications  figures.Applications
	Tasks         figures.Tasks
}{
	// One catalog published in 2025 with five items; 高龄津贴, 护理补贴,
	// 长者饭堂 and 服务项目 carry published records by the end of 2026 (the
	// record on 服务项目 withdrawn in August does not count, the one of
	// December does), 紧急救援 none.
	Catalogs: figures.Catalogs{Kept: 1, Published: 1, Domains: []string{"养老服务"}, Items: 5, Loaded: 4},
	// Published in 2026 and still published: R1, R2, R3 and R7 in the
	// statutory column, loaded; R4 in the guide column, not loaded. R6 was
	// withdrawn; R5 is of 2025.
	Information: figures.Information{Published: 5, ByColumn: map[string]int{info.ColumnContent: 4, info.ColumnGuide: 1}, Loaded: 4, Withdrawn: 1},
	// Two consultations, three comments; both closed, one with feedback.
	Consultations: figures.Consultations{Published: 2, Comments: 3, Closed: 2, Feedback: 1, NoFeedback: 1},
	// M1 answered in time and rated, M2 late, M3 unanswered past its day,
	// M4 dismissed, M5 came on 28 December and is still in time.
	Messages: figures.Messages{Received: 5, Invalid: 1, Answered: 2, OnTime: 1, Late: 1, Overdue: 1, Pending: 1, Satisfied: 1},
	// One notice in 2026 to the two webhooks that follow 赤岗: one message
	// delivered, one failed. The notice of 2025 reached nobody.
	Push: figures.Push{Notices: 1, Recipients: 2, Sent: 1, Failed: 1, Subscribers: 2},
	// A1, A2, A3 received in 2026; A4 carried over from 2025; A1, A2, A4
	// answered in 2026, A2 late; A3 unanswered past its deadline and
	// carried forward. A review of A2's reply lost, a suit on A1's won.
	Applications: figures.Applications{Received: 3, CarriedOver: 1, Replied: 3, CarriedForward: 1, OnTime: 2, Late: 1, Overdue: 1,
		Reviews: 1, Suits: 1, Lost: 1},
	// Tasks 1 to 4 and 6 fall due in 2026 (task 5 in 2027): 1 reported in
	// time and accepted, 2 reported late and accepted, 3 reported and
	// waiting, 4 overdue, 6 due on 31 December.
	Tasks: figures.Tasks{Assigned: 5, Accepted: 2, OnTime: 1, Late: 1, Reported: 1, Overdue: 1, Open: 1},
}

// Year2026 does 赤岗街道's work of 2025 and 2026, each step on its day,
// and leaves the clock on 10 January 2027.
func (w *World) Year2026() {
	w.T.Helper()
	w.catalogs()
	w.Record("2025-11-04", "R5 长者饭堂开放时间", "长者饭堂", "")
	w.applications()
	w.push()
	w.inspectAt("2025-12-01")
	for _, r := range []struct{ day, title, item, column string }{
		{"2026-04-01", "R1 高龄津贴发放情况", "高龄津贴", ""},
		{"2026-05-06", "R2 高龄津贴调整", "高龄津贴", ""},
		{"2026-06-01", "R3 护理补贴标准", "护理补贴", ""},
		{"2026-06-10", "R4 政府信息公开指南", "", info.ColumnGuide},
	} {
		w.Record(r.day, r.title, r.item, r.column)
	}
	r6 := w.Record("2026-07-01", "R6 服务项目清单", "服务项目", "")
	w.On("2026-08-03", func(ctx context.Context, tx *db.Tx) error {
		_, err := info.Withdraw(ctx, tx, w.Reviewer, r6, "内容有误，撤回更正")
		return err
	})
	w.consultations()
	w.messages()
	w.tasks()
	w.Runs = append(w.Runs, w.inspectAt("2026-06-30"), w.inspectAt("2026-11-30"))
	w.On("2026-12-01", func(ctx context.Context, tx *db.Tx) error {
		n, err := inspect.SendNotice(ctx, tx, w.Cal, w.Office, w.Runs[1], w.Chigang, 10, "请整改")
		w.Notice = n.ID
		return err
	})
	w.Record("2026-12-08", "R7 服务项目清单（更正）", "服务项目", "")
	w.At("2026-12-09")
	n, err := inspect.Recheck(context.Background(), w.D, w.Cal, w.Office, w.Notice)
	if err != nil {
		w.T.Fatal(err)
	}
	w.Runs = append(w.Runs, n.RecheckID)
	w.At("2027-01-10")
}

// catalogs compiles 赤岗's and 新港's 养老服务 catalogs and publishes 赤岗's.
func (w *World) catalogs() {
	w.On("2025-11-03", func(ctx context.Context, tx *db.Tx) error {
		for _, u := range []org.Unit{w.Chigang, w.Xingang} {
			c, err := catalog.Compile(ctx, tx, w.Office, u, w.Domain)
			if err != nil {
				return err
			}
			for j := range c.Items {
				c.Items[j].Subject = u.Name
			}
			if c, err = catalog.SetItems(ctx, tx, w.Office, c, c.Items); err != nil {
				return err
			}
			if u.ID == w.Xingang.ID {
				continue
			}
			if c, err = catalog.Submit(ctx, tx, w.Office, c); err != nil {
				return err
			}
			if c, err = catalog.Approve(ctx, tx, w.Office, c, ""); err != nil {
				return err
			}
			if _, err = catalog.Publish(ctx, tx, w.Office, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// Record publishes a record of 赤岗 on day, loaded against item (none if
// empty), in column (the statutory content if empty).
func (w *World) Record(day, title, item, column string) info.Record {
	w.T.Helper()
	var r info.Record
	w.On(day, func(ctx context.Context, tx *db.Tx) error {
		var err error
		r, err = info.Create(ctx, tx, w.Editor, w.Chigang, info.Input{Title: title, WrittenDate: day, Genre: "通知", Attribute: info.Active,
			Validity: info.Valid, Column: column, Body: "<p>" + title + "的具体内容。</p>"})
		if err != nil {
			return err
		}
		if item != "" {
			if r, err = info.LinkItems(ctx, tx, w.Editor, r, w.Domain, []string{item}); err != nil {
				return err
			}
		}
		if r, err = info.Submit(ctx, tx, w.Editor, r); err != nil {
			return err
		}
		if r, err = info.Approve(ctx, tx, w.Reviewer, r); err != nil {
			return err
		}
		r, err = info.Publish(ctx, tx, w.Reviewer, r)
		return err
	})
	return r
}

func applicant(name, id string) foi.Applicant {
	return foi.Applicant{Type: foi.NaturalPerson, Name: name, IDType: "resident_id", IDNumber: id, Phone: "138" + id[10:18], Address: "广州市海珠区赤岗路1号"}
}

// applications registers A1 to A4, answers A1, A2 and A4, and records the
// appeals.
func (w *World) applications() {
	register := func(day, name, id string) int64 {
		var appID int64
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			in := foi.Input{UnitCode: w.Chigang.Code, Applicant: applicant(name, id), Description: name + "申请公开赤岗街道养老服务补贴发放情况",
				Medium: "paper", Delivery: "post"}
			app, _, err := foi.Register(ctx, tx, w.Editor, in, foi.InPerson, day, "")
			appID = app.ID
			return err
		})
		return appID
	}
	on := func(day string, id int64, fn func(ctx context.Context, tx *db.Tx, app foi.Application) error) {
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			app, err := foi.ByID(ctx, tx, id, w.Editor)
			if err != nil {
				return err
			}
			return fn(ctx, tx, app)
		})
	}
	answer := func(date string) func(ctx context.Context, tx *db.Tx, app foi.Application) error {
		return func(ctx context.Context, tx *db.Tx, app foi.Application) error {
			_, err := foi.Answer(ctx, tx, w.Editor, app, foi.Reply{Result: foi.Granted, Date: date, Text: "所申请的信息见附件。"})
			return err
		}
	}
	a4 := register("2025-12-22", "陈志强", "440105198503120027")
	on("2026-01-05", a4, answer("2026-01-05"))
	a1 := register("2026-03-02", "黄丽华", "440105197209061412")
	on("2026-03-10", a1, answer("2026-03-10"))
	a2 := register("2026-04-01", "林晓东", "440106199001013521")
	on("2026-06-30", a2, answer("2026-06-30"))
	on("2026-07-10", a2, func(ctx context.Context, tx *db.Tx, app foi.Application) error {
		_, err := foi.AddAppeal(ctx, tx, w.Editor, app, foi.Review, "2026-07-10", foi.Pending, "", "")
		return err
	})
	on("2026-09-01", a2, func(ctx context.Context, tx *db.Tx, app foi.Application) error {
		_, err := foi.DecideAppeal(ctx, tx, w.Editor, app, app.Appeals[0].ID, foi.Corrected, "2026-09-01", "复议机关责令重新答复")
		return err
	})
	on("2026-08-03", a1, func(ctx context.Context, tx *db.Tx, app foi.Application) error {
		_, err := foi.AddAppeal(ctx, tx, w.Editor, app, foi.SuitDirect, "2026-05-04", foi.Maintained, "2026-08-03", "")
		return err
	})
	register("2026-11-02", "周美玲", "440105196611200834")
}

// push adds two webhooks following 赤岗 in 2026 (none in 2025), sends a
// notice in each year, and marks the 2026 notice's messages delivered and
// failed as the outbox would.
func (w *World) push() {
	notice := func(day, subject string) int64 {
		var id int64
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			aud, err := push.Audiences(ctx, tx)
			if err != nil {
				return err
			}
			n, err := push.SendNotice(ctx, tx, w.Reviewer, push.NoticeInput{Subject: subject, Body: subject + "，详见街道公告。"}, aud)
			id = n.ID
			return err
		})
		return id
	}
	notice("2025-12-01", "2025年冬季长者饭堂开放安排")
	w.On("2026-03-16", func(ctx context.Context, tx *db.Tx) error {
		aud, err := push.Audiences(ctx, tx)
		if err != nil {
			return err
		}
		for i, label := range []string{"区养老服务平台", "区民政业务系统"} {
			if _, _, err := push.AddWebhook(ctx, tx, w.Admin, push.WebhookInput{URL: fmt.Sprintf("https://hooks%d.example.org/gongkai", i), Label: label,
				Units: []string{w.Chigang.Code}}, push.Choices{Audiences: aud}); err != nil {
				return err
			}
		}
		return nil
	})
	id := notice("2026-03-17", "2026年高龄津贴申领提醒")
	w.Tx(func(ctx context.Context, tx *db.Tx) error {
		for i, state := range []string{push.Sent, push.Failed} {
			if _, err := tx.Exec(ctx, `UPDATE push_outbox SET state = ? WHERE id = (SELECT id FROM push_outbox WHERE notice_id = ? ORDER BY id LIMIT 1 OFFSET `+
				fmt.Sprint(i)+`)`, state, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// consultations publishes two: the first gets two comments and its
// feedback, the second one comment and none.
func (w *World) consultations() {
	open := func(day, end, title string, comments int) participation.Consultation {
		var c participation.Consultation
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			var err error
			c, err = participation.Create(ctx, tx, w.Editor, w.Chigang, participation.Input{Title: title, Body: "<p>" + title + "全文。</p>",
				Explanation: "起草说明。", Start: day, End: end})
			if err != nil {
				return err
			}
			if c, err = participation.Publish(ctx, tx, w.Reviewer, c, ""); err != nil {
				return err
			}
			for i := range comments {
				if _, err := participation.AddComment(ctx, tx, c, participation.CommentInput{Content: fmt.Sprintf("建议增加服务网点，第%d条意见。", i+1), Phone: "13900139000"}); err != nil {
					return err
				}
			}
			return nil
		})
		return c
	}
	c1 := open("2026-05-04", "2026-06-04", "赤岗街道长者饭堂服务规范（征求意见稿）", 2)
	w.On("2026-06-10", func(ctx context.Context, tx *db.Tx) error {
		cs, err := participation.CommentsOf(ctx, tx, c1.ID)
		if err != nil {
			return err
		}
		var ds []participation.Decision
		for _, m := range cs {
			ds = append(ds, participation.Decision{Comment: m.ID, Decision: participation.Adopted})
		}
		if err := participation.Decide(ctx, tx, w.Reviewer, c1, ds); err != nil {
			return err
		}
		_, err = participation.PublishFeedback(ctx, tx, w.Reviewer, c1, "共收到意见2条，均予采纳。")
		return err
	})
	open("2026-09-01", "2026-10-01", "赤岗街道社区养老服务设施布局（征求意见稿）", 1)
}

// messages takes five messages to 赤岗 and handles them.
func (w *World) messages() {
	submit := func(day, title string) int64 {
		var id int64
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			m, _, err := message.Submit(ctx, tx, message.Input{UnitCode: w.Chigang.Code, Category: message.Consult, Title: title,
				Content: title + "，请问具体怎么办理？", Name: "张三", Phone: "13800138000"})
			id = m.ID
			return err
		})
		return id
	}
	handle := func(day string, id int64, fn func(ctx context.Context, tx *db.Tx, m message.Message) error) {
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			m, err := message.ByID(ctx, tx, id, w.Reviewer)
			if err != nil {
				return err
			}
			return fn(ctx, tx, m)
		})
	}
	answer := func(ctx context.Context, tx *db.Tx, m message.Message) error {
		m, err := message.Draft(ctx, tx, w.Editor, m, "您好，请携带身份证到街道办事大厅办理。")
		if err != nil {
			return err
		}
		_, err = message.Approve(ctx, tx, w.Reviewer, m)
		return err
	}
	m1 := submit("2026-03-02", "M1 高龄津贴申领")
	handle("2026-03-05", m1, answer)
	handle("2026-03-06", m1, func(ctx context.Context, tx *db.Tx, m message.Message) error {
		_, err := message.Rate(ctx, tx, m, message.Satisfied, "")
		return err
	})
	m2 := submit("2026-04-01", "M2 长者饭堂就餐")
	handle("2026-05-20", m2, answer)
	submit("2026-11-02", "M3 护理补贴")
	m4 := submit("2026-06-01", "M4 广告推销")
	handle("2026-06-02", m4, func(ctx context.Context, tx *db.Tx, m message.Message) error {
		_, err := message.Dismiss(ctx, tx, w.Reviewer, m, "与政务无关的广告信息")
		return err
	})
	submit("2026-12-28", "M5 紧急救援电话")
}

// tasks gives 赤岗 six task parts and has it report some.
func (w *World) tasks() {
	parts := map[int]task.Assignment{}
	w.On("2026-01-12", func(ctx context.Context, tx *db.Tx) error {
		for no, due := range map[int]string{1: "2026-03-31", 2: "2026-04-30", 3: "2026-06-30", 4: "2026-09-30", 5: "2027-01-15", 6: "2026-12-31"} {
			as, err := task.Assign(ctx, tx, w.Office, task.AssignInput{TaskNo: no, UnitCode: w.Chigang.Code, Due: due})
			if err != nil {
				return err
			}
			parts[no] = as
		}
		return nil
	})
	step := func(day string, no int, accept bool) {
		w.On(day, func(ctx context.Context, tx *db.Tx) error {
			as, err := task.Report(ctx, tx, w.Editor, "", "", parts[no], task.ReportInput{Note: "已按要求完成。"})
			if err != nil || !accept {
				return err
			}
			_, err = task.Accept(ctx, tx, w.Office, as)
			return err
		})
	}
	step("2026-03-20", 1, true)
	step("2026-05-11", 2, true)
	step("2026-06-01", 3, false)
}

// inspectAt saves an inspection of 海珠区 as of day, run on day.
func (w *World) inspectAt(day string) int64 {
	w.T.Helper()
	w.At(day)
	run, err := inspect.Inspect(context.Background(), w.D, w.Cal, &w.Office, inspect.Options{Scope: w.Haizhu, Save: true})
	if err != nil {
		w.T.Fatal(err)
	}
	return run.ID
}

// Account returns the world's account with login, for tests that act as
// it.
func (w *World) Account(login string) auth.Account {
	for _, a := range []auth.Account{w.Admin, w.CityOffice, w.Office, w.Editor, w.Reviewer, w.XgReviewer, w.Supervisor} {
		if a.Login == login {
			return a
		}
	}
	w.T.Fatalf("no account %s", login)
	return auth.Account{}
}
