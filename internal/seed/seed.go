// Package seed makes a deterministic synthetic city for benchmarks and
// load tests: districts with streets and towns, city and district
// departments, a published 养老服务 catalog for every street and town, and
// government information with Chinese titles, 文号 and bodies written from
// government vocabulary.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"gongkai/internal/auth"
	"gongkai/internal/calendar"
	"gongkai/internal/catalog"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
	"gongkai/internal/org"
)

// Options sizes the city.
type Options struct {
	Units   int
	Records int
	Seed    uint64
	// Progress, if set, is called after each batch of records.
	Progress func(done int)
}

// Result says what was made.
type Result struct {
	Units    int           `json:"units"`
	Catalogs int           `json:"catalogs"`
	Records  int           `json:"records"`
	Elapsed  time.Duration `json:"-"`
	Rate     float64       `json:"records_per_second"`
}

// RootCode is the code of the synthetic city.
const RootCode = "990100"

//go:embed guideline.csv
var guidelineCSV []byte

const actor = "system:seed"

// Synthetic builds the city in d. It refuses a database that has one already.
func Synthetic(ctx context.Context, d *db.DB, o Options) (Result, error) {
	start := time.Now()
	var res Result
	if o.Units < 20 {
		return res, errs.New(errs.Invalid, "seed.too_few_units", 20)
	}
	if _, err := org.ByCode(ctx, d, RootCode); err == nil {
		return res, errs.New(errs.Conflict, "seed.exists", RootCode)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	var towns []org.Unit
	var all []org.Unit
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if err := catalog.SyncDomains(ctx, tx); err != nil {
			return err
		}
		add := func(n org.NewUnit) (org.Unit, error) {
			u, err := org.Create(ctx, tx, actor, nil, n)
			if err == nil {
				all = append(all, u)
			}
			return u, err
		}
		city, err := add(org.NewUnit{Code: RootCode, Name: "示范市人民政府", Kind: org.City})
		if err != nil {
			return err
		}
		depts := min(30, o.Units/10)
		for i := 0; i < depts; i++ {
			if _, err := add(org.NewUnit{Code: fmt.Sprintf("%s-%02d", RootCode, i+1), Name: "示范市" + pick(rng, deptNames), Kind: org.CityDepartment, ParentCode: RootCode, Sort: i}); err != nil {
				return err
			}
		}
		left := o.Units - 1 - depts
		districts := max(2, left/120)
		for i := 0; i < districts; i++ {
			// The first districts take one unit more each, so that the
			// city has exactly o.Units units.
			perDistrict := left / districts
			if i < left%districts {
				perDistrict++
			}
			dc := fmt.Sprintf("99%02d%02d", 1+i/99, 1+i%99)
			_, err := add(org.NewUnit{Code: dc, Name: placeName(rng) + "区人民政府", Kind: org.District, ParentCode: city.Code, Sort: i})
			if err != nil {
				return err
			}
			for j := 1; j < perDistrict; j++ {
				kind, suffix := org.Street, "街道办事处"
				if j%4 == 0 {
					kind, suffix = org.Town, "镇人民政府"
				}
				if j%10 == 9 {
					kind, suffix = org.DistrictDepartment, pick(rng, deptNames)
				}
				u, err := add(org.NewUnit{Code: fmt.Sprintf("%s-%03d", dc, j), Name: placeName(rng) + suffix, Kind: kind, ParentCode: dc, Sort: j})
				if err != nil {
					return err
				}
				if kind != org.DistrictDepartment {
					towns = append(towns, u)
				}
			}
		}
		res.Units = len(all)

		// One guideline and a published catalog for every street and town.
		dom, _, err := catalog.ResolveDomain(ctx, tx, nil, "养老服务")
		if err != nil {
			return err
		}
		t, err := catalog.ReadTable("guideline.csv", bytes.NewReader(guidelineCSV))
		if err != nil {
			return err
		}
		if _, _, err := catalog.ImportGuideline(ctx, tx, actor, catalog.GuidelineImport{Domain: dom, Table: t}); err != nil {
			return err
		}
		admin := auth.Account{Login: actor, Role: auth.Admin, Unit: city}
		for _, u := range towns {
			c, err := catalog.Compile(ctx, tx, admin, u, dom)
			if err != nil {
				return err
			}
			if c, err = catalog.Submit(ctx, tx, admin, c); err != nil {
				return err
			}
			if c, err = catalog.Approve(ctx, tx, admin, c, ""); err != nil {
				return err
			}
			if _, err = catalog.Publish(ctx, tx, admin, c); err != nil {
				return err
			}
			res.Catalogs++
		}
		return nil
	})
	if err != nil {
		return res, err
	}

	// Records, in batches of 1,000 per transaction.
	catalogs := map[string]catalog.PublishedCatalog{}
	root, _ := org.ByCode(ctx, d, RootCode)
	pcs, err := catalog.PublishedIn(ctx, d, root, true)
	if err != nil {
		return res, err
	}
	for _, pc := range pcs {
		catalogs[pc.Unit.Code] = pc
	}
	loadStart := time.Now()
	seq := map[string]int{}
	const batch = 1000
	// One goroutine writes the records while this one makes the next batch.
	batches := make(chan []info.Record, 1)
	written := make(chan error, 1)
	go func() {
		done := 0
		for recs := range batches {
			if err := d.InTx(ctx, func(tx *db.Tx) error { return info.LoadPublished(ctx, tx, actor, recs) }); err != nil {
				written <- err
				for range batches {
				}
				return
			}
			done += len(recs)
			if o.Progress != nil {
				o.Progress(done)
			}
		}
		written <- nil
	}()
	for made := 0; made < o.Records; {
		n := min(batch, o.Records-made)
		recs := make([]info.Record, n)
		for i := range recs {
			u := all[rng.IntN(len(all))]
			if rng.IntN(3) > 0 && len(towns) > 0 {
				u = towns[rng.IntN(len(towns))]
			}
			recs[i] = record(rng, u, seq)
			if pc, ok := catalogs[u.Code]; ok && len(pc.Items) > 0 {
				it := pc.Items[rng.IntN(len(pc.Items))]
				recs[i].Items = []info.ItemRef{{CatalogID: pc.ID, Key: it.Key()}}
			}
			recs[i].Prepare()
		}
		batches <- recs
		made += n
	}
	close(batches)
	if err := <-written; err != nil {
		return res, err
	}
	res.Records = o.Records
	if secs := time.Since(loadStart).Seconds(); secs > 0 {
		res.Rate = float64(res.Records) / secs
	}
	// PostgreSQL plans from statistics, which a bulk load leaves stale
	// until autovacuum comes by.
	if d.Dialect == db.Postgres {
		if _, err := d.SQL.ExecContext(ctx, `ANALYZE`); err != nil {
			return res, fmt.Errorf("analyze: %w", err)
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

// placeName makes a two-character place name.
func placeName(rng *rand.Rand) string {
	return string([]rune(placeChars)[rng.IntN(len([]rune(placeChars)))]) + string([]rune(placeChars)[rng.IntN(len([]rune(placeChars)))])
}

// record writes one synthetic record of unit u.
func record(rng *rand.Rand, u org.Unit, seq map[string]int) info.Record {
	year := 2019 + rng.IntN(8)
	day := time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, calendar.China)
	key := fmt.Sprintf("%s/%d", u.Code, year)
	seq[key]++
	subject := pick(rng, subjects)
	title := fmt.Sprintf(pick(rng, titleForms), strings.TrimSuffix(strings.TrimSuffix(u.Name, "人民政府"), "办事处"), year, subject)
	var doc string
	if rng.IntN(3) == 0 {
		doc = fmt.Sprintf("%s〔%d〕%d号", pick(rng, docPrefixes), year, 1+rng.IntN(200))
	}
	return info.Record{Unit: u, IndexNo: fmt.Sprintf("%s/%d-%05d", u.Code, year, seq[key]), Title: title, DocNumber: doc,
		Issuer: u.Name, WrittenDate: day.Format("2006-01-02"), FormedDate: day.Format("2006-01-02"),
		PublishedAt: day.Add(time.Duration(24+rng.IntN(24*10)) * time.Hour).UTC(), Topic: pick(rng, topics), Genre: pick(rng, genres),
		Body: body(rng, subject, 500+rng.IntN(2500))}
}

// body writes about n characters of government prose in paragraphs.
func body(rng *rand.Rand, subject string, n int) string {
	var b strings.Builder
	count := 0
	for count < n {
		b.WriteString("<p>")
		for k := 0; k < 3+rng.IntN(4) && count < n; k++ {
			s := fmt.Sprintf(pick(rng, sentences), subject, pick(rng, actions), pick(rng, objects))
			b.WriteString(s)
			count += len([]rune(s))
		}
		b.WriteString("</p>")
	}
	return b.String()
}
