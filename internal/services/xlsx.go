package services

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongkai/internal/org"
	"gongkai/internal/workbook"
)

// table is one sheet of a workbook: a title row, the header, the rows.
type table struct {
	sheet, title string
	header       []any
	rows         [][]any
	widths       []float64
}

// writeBook writes tables as one workbook, each on its sheet: the title
// merged over the table, the header bold and frozen, cells wrapped, and
// printed on A4 landscape, one page wide, with the header on every page.
func writeBook(w io.Writer, title string, tables ...table) error {
	f, err := workbook.New(title, tables[0].sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	for i, t := range tables {
		if i > 0 {
			if _, err := f.NewSheet(t.sheet); err != nil {
				return err
			}
		}
		last, _ := excelize.ColumnNumberToName(len(t.header))
		steps := []func() error{
			func() error { return f.SetCellValue(t.sheet, "A1", t.title) },
			func() error { return f.MergeCell(t.sheet, "A1", last+"1") },
			func() error { return f.SetSheetRow(t.sheet, "A2", &t.header) },
			func() error { return f.SetCellStyle(t.sheet, "A1", last+"2", bold) },
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		for j, r := range t.rows {
			if err := f.SetSheetRow(t.sheet, fmt.Sprintf("A%d", j+3), &r); err != nil {
				return err
			}
		}
		if len(t.rows) > 0 {
			if err := f.SetCellStyle(t.sheet, "A3", fmt.Sprintf("%s%d", last, len(t.rows)+2), wrap); err != nil {
				return err
			}
		}
		if err := workbook.Widths(f, t.sheet, t.widths...); err != nil {
			return err
		}
		if err := f.SetPanes(t.sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := workbook.PrintTable(f, t.sheet, 2, 2); err != nil {
			return err
		}
	}
	return workbook.Write(f, w)
}

// days writes a time limit in a cell: its number, or empty.
func days(d *int) any {
	if d == nil {
		return ""
	}
	return *d
}

// materialLines is a guide's materials, one a line.
func materialLines(ms []Material) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		lines[i] = fmt.Sprintf("%d. %s", i+1, m.Line())
	}
	return strings.Join(lines, "\n")
}

// numbered is steps, one a line, numbered.
func numbered(steps []string) string {
	lines := make([]string, len(steps))
	for i, s := range steps {
		lines[i] = fmt.Sprintf("%d. %s", i+1, s)
	}
	return strings.Join(lines, "\n")
}

// WriteHandbook writes the handbook as a workbook: the guides of each event
// in order ("办事一本通"), and each event's combined materials and total
// time ("材料清单"). title is the handbook's title.
func WriteHandbook(w io.Writer, title string, h Handbook) error {
	guides := table{sheet: "办事一本通", title: title,
		header: []any{"主题", "序号", "事项名称", "实施主体", "事项类型", "申请条件", "申请材料", "办理流程", "法定时限（工作日）", "承诺时限（工作日）",
			"收费标准", "办理地点", "办理时间", "咨询电话", "投诉电话", "在线办理"},
		widths: []float64{10, 6, 24, 18, 10, 30, 36, 30, 10, 10, 14, 24, 18, 14, 14, 24}}
	materials := table{sheet: "材料清单", title: title + "（材料清单和办理时间）",
		header: []any{"主题", "序号", "材料名称", "原件", "份数", "所需事项"},
		widths: []float64{10, 6, 30, 8, 8, 40}}
	for _, b := range h.Bundles {
		for i, g := range b.Guides {
			guides.rows = append(guides.rows, []any{b.Event.Name, i + 1, g.Name, g.Unit.Name, g.Type.Zh(), g.Conditions, materialLines(g.Materials),
				numbered(g.Steps), days(g.LegalDays), days(g.PromisedDays), g.Fee, g.Place, g.Hours, g.Phone, g.ComplaintPhone, g.OnlineURL})
		}
		for i, m := range b.Materials {
			orig := "复印件"
			if m.Original {
				orig = "原件"
			}
			materials.rows = append(materials.rows, []any{b.Event.Name, i + 1, m.Name, orig, m.Copies, strings.Join(m.Guides, "、")})
		}
		total := fmt.Sprintf("合计承诺时限%d个工作日，法定时限%d个工作日", b.PromisedDays, b.LegalDays)
		if b.NoLimit > 0 {
			total += fmt.Sprintf("（%d个事项未载明时限，未计入）", b.NoLimit)
		}
		materials.rows = append(materials.rows, []any{b.Event.Name, "", total, "", "", ""})
	}
	return writeBook(w, title, guides, materials)
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// WriteCheck writes a spot check's results as a workbook: per unit
// ("抽查结果") and per sampled guide ("抽查明细"), for the units under
// scope.
func WriteCheck(w io.Writer, title string, c Check, scope org.Unit) error {
	units := table{sheet: "抽查结果", title: title, header: []any{"单位", "抽查数", "已检查", "准确", "完整", "及时更新", "合格", "合格率（%）"},
		widths: []float64{28, 8, 8, 8, 8, 10, 8, 12}}
	for _, r := range c.Results(scope) {
		units.rows = append(units.rows, []any{r.Unit.Name, r.Sampled, r.Checked, r.Accurate, r.Complete, r.Current, r.Passed, r.Rate()})
	}
	items := table{sheet: "抽查明细", title: title, header: []any{"序号", "单位", "事项名称", "版本", "准确", "完整", "及时更新", "说明"},
		widths: []float64{6, 24, 28, 6, 8, 8, 10, 36}}
	for _, it := range c.ItemsIn(scope) {
		row := []any{it.Seq, it.Unit.Name, it.Name, it.Version, "", "", "", "未检查"}
		if it.Checked {
			row = []any{it.Seq, it.Unit.Name, it.Name, it.Version, yesNo(it.Accurate), yesNo(it.Complete), yesNo(it.Current), it.Note}
		}
		items.rows = append(items.rows, row)
	}
	return writeBook(w, title, units, items)
}

// WriteSummary writes the yearly summary as a workbook: per unit
// ("年度汇总") and every complaint ("检举投诉明细").
func WriteSummary(w io.Writer, title string, s Summary) error {
	units := table{sheet: "年度汇总", title: title,
		header: []any{"单位", "抽查事项", "合格", "准确", "完整", "及时更新", "检举投诉", "已转办", "已核实", "属实", "已整改", "不属实", "逾期"},
		widths: []float64{28, 8, 8, 8, 8, 10, 8, 8, 8, 8, 8, 8, 8}}
	for _, u := range append(s.Units, s.Total) {
		name := u.Unit.Name
		if u.Unit.ID == 0 {
			name = "合计"
		}
		units.rows = append(units.rows, []any{name, u.Sampled, u.Passed, u.Accurate, u.Complete, u.Current, u.Complaints, u.Transferred,
			u.Verified, u.Valid, u.Rectified, u.Dismissed, u.Overdue})
	}
	list := table{sheet: "检举投诉明细", title: title,
		header: []any{"编号", "单位", "事项名称", "问题类型", "内容", "收到日期", "转办日期", "核实期限", "核实日期", "核实结果", "整改期限", "整改日期", "整改情况"},
		widths: []float64{6, 22, 24, 12, 36, 12, 12, 12, 12, 20, 12, 12, 30}}
	kinds := map[string]string{KindInaccurate: "不准确", KindIncomplete: "不完整", KindOutdated: "不及时更新"}
	for _, c := range s.Complaints {
		found := c.VerifyNote
		if c.Verified != "" {
			if c.Valid {
				found = "属实：" + found
			} else {
				found = "不属实：" + found
			}
		}
		list.rows = append(list.rows, []any{c.ID, c.Unit.Name, c.ServiceName, kinds[c.Kind], c.Content, c.Received, c.Transferred, c.VerifyDue,
			c.Verified, found, c.RectifyDue, c.Rectified, c.RectifyNote})
	}
	return writeBook(w, title, units, list)
}
