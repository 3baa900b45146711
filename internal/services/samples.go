package services

import (
	"context"

	"gongkai/internal/auth"
	"gongkai/internal/db"
	"gongkai/internal/errs"
	"gongkai/internal/info"
)

// material returns the index of g's material n (1-based), or an Invalid
// error on field "material".
func (g Guide) material(n int) (int, error) {
	if n < 1 || n > len(g.Materials) {
		return 0, errs.InvalidField("material", "svc.no_material", n)
	}
	return n - 1, nil
}

// AttachSample keeps a sample (样表) of g's material n (1-based), a file
// info.CheckFile accepts, stored under files by its content. Like any
// change it makes the next version a draft when g was published.
func AttachSample(ctx context.Context, tx *db.Tx, a auth.Account, files string, g Guide, n int, name string, data []byte) (Guide, error) {
	if !CanEdit(a, g.Unit) {
		return Guide{}, forbidden()
	}
	if !g.Editable() {
		return Guide{}, errs.New(errs.Conflict, "svc.not_editable")
	}
	i, err := g.material(n)
	if err != nil {
		return Guide{}, err
	}
	at, err := info.CheckFile(name, data)
	if err != nil {
		return Guide{}, err
	}
	if err := info.StoreFile(files, at, data); err != nil {
		return Guide{}, err
	}
	c := g.Content
	c.Materials = append([]Material(nil), c.Materials...)
	c.Materials[i].Sample = &File{Name: at.Name, SHA256: at.SHA256, Size: at.Size, MIME: at.MIME}
	return g.change(ctx, tx, a, c, "service.sample")
}

// RemoveSample takes the sample off g's material n (1-based); the stored
// content stays, as for records.
func RemoveSample(ctx context.Context, tx *db.Tx, a auth.Account, g Guide, n int) (Guide, error) {
	if !CanEdit(a, g.Unit) {
		return Guide{}, forbidden()
	}
	if !g.Editable() {
		return Guide{}, errs.New(errs.Conflict, "svc.not_editable")
	}
	i, err := g.material(n)
	if err != nil {
		return Guide{}, err
	}
	if g.Materials[i].Sample == nil {
		return Guide{}, errs.InvalidField("material", "svc.no_sample", n)
	}
	c := g.Content
	c.Materials = append([]Material(nil), c.Materials...)
	c.Materials[i].Sample = nil
	return g.change(ctx, tx, a, c, "service.sample_remove")
}

// Sample returns the sample of material n (1-based) of c, or a NotFound
// error.
func (c Content) Sample(n int) (File, error) {
	if n < 1 || n > len(c.Materials) || c.Materials[n-1].Sample == nil {
		return File{}, errs.New(errs.NotFound, "svc.no_sample", n)
	}
	return *c.Materials[n-1].Sample, nil
}
