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
	LoadDemoGrassroots, LoadDemoRules, LoadDemoAttributes, LoadDemoServices,
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

// loadOnce runs load in one transaction unless the settings table holds
// key, which it then records; it reports whether load ran.
func loadOnce(ctx context.Context, d *db.DB, key string, load func(context.Context, *db.Tx) error) (bool, error) {
	loaded := false
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var v string
		if err := tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err == nil {
			return nil
		}
		if err := load(ctx, tx); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", key, demoVersion)
		loaded = err == nil
		return err
	})
	return loaded, err
}
