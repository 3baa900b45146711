package jobs

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongkai/internal/db"
)

// Collector reports the queue to Prometheus when it is scraped: the jobs
// by kind and state (gongkai_jobs) and those whose last attempt failed
// (gongkai_jobs_failing).
func Collector(d *db.DB) prometheus.Collector { return collector{d} }

type collector struct{ d *db.DB }

var (
	jobsDesc = prometheus.NewDesc("gongkai_jobs", "Jobs in the durable queue by kind and state (completed jobs are kept for a day).",
		[]string{"kind", "state"}, nil)
	failingDesc = prometheus.NewDesc("gongkai_jobs_failing", "Jobs whose last attempt failed and that have not succeeded since, by kind.",
		[]string{"kind"}, nil)
	upDesc = prometheus.NewDesc("gongkai_jobs_scrape_ok", "1 if the job counts could be read at this scrape.", nil, nil)
)

func (collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- jobsDesc
	ch <- failingDesc
	ch <- upDesc
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := Counts(ctx, c.d)
	var failures []Failure
	if err == nil {
		failures, err = Failures(ctx, c.d, 1000)
	}
	if err != nil {
		ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, 1)
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(n.N), n.Kind, n.State)
	}
	failing := map[string]int{}
	for _, f := range failures {
		failing[f.Kind]++
	}
	for kind, n := range failing {
		ch <- prometheus.MustNewConstMetric(failingDesc, prometheus.GaugeValue, float64(n), kind)
	}
}
