package app

import (
	"context"
	"fmt"

	"gongkai/internal/db"
)

// demoParts are the parts of the demo set beyond LoadDemo's units,
// accounts, catalogs and records, in the order they load: each needs
// LoadDemo's and loads once.
var demoParts = []func(context.Context, *db.DB) (bool, error){
	LoadDemoApplications, LoadDemoConsultations, LoadDemoTasks, LoadDemoMessages, LoadDemoInterpretations,
	LoadDemoGrassroots, LoadDemoRules, LoadDemoAttributes, LoadDemoServices, LoadDemoOpinion,
	// The reports read what the parts before them hold.
	LoadDemoReports,
}

// LoadDemoParts loads every part of the demo set not loaded yet, after
// LoadDemo.
func LoadDemoParts(ctx context.Context, d *db.DB) error {
	for _, load := range demoParts {
		if _, err := load(ctx, d); err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
	}
	return nil
}
