// Package scan is the one loop every command reads objects with: it opens
// each planned object (in parallel, one worker per core), tells its table
// from the key layout or the content, reads it with that table's reader and
// projection, and hands every Arrow batch to a callback, counting what it
// read, rejected, skipped and failed. hunt query, hunt run, hunt cat,
// hunt convert and the benchmarks all call [Run], so what is measured is
// what runs.
//
// Routing fails closed: an object whose table neither its key nor its
// content tells is an error naming it ([ErrUnknownTable]), never a default.
//
//	objs := plan.Objects // from archive.PlanLocal or archive.S3.Plan
//	cfg := scan.Config{Columns: map[string][]string{"cloudtrail": q.Columns("cloudtrail")}}
//	run := q.NewRun(scan.Workers(cfg))
//	totals := scan.Run(ctx, cfg, objs, func(w int, t *parsers.Table, _ archive.Object, b arrow.RecordBatch) error {
//		return run.PushTable(w, t.Name, b)
//	})
//	res, err := run.Finish()
package scan
