package plan

import (
	"bytes"
	_ "embed"
)

// SeedName is the file name of the embedded seed appendix, for use as the
// import's source label (logs, audit trail).
const SeedName = "ke-hoach-55-phu-luc-III.txt"

// The seed is embedded so that the first start needs no file on disk; the
// same bytes are the test fixture, so what is tested is what is loaded.
//
//go:embed seed/ke-hoach-55-phu-luc-III.txt
var seedAppendix string

// SeedAppendix returns the text of Plan 55/KH-SXD, Appendix III, exactly as
// exported. Every call returns a fresh copy, so callers may modify it.
func SeedAppendix() []byte { return []byte(seedAppendix) }

// SeedPlan parses the embedded seed appendix.
func SeedPlan() (*Plan, error) { return Parse(bytes.NewReader(SeedAppendix())) }
