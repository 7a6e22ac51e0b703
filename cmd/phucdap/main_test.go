package main

import (
	"os"
	"testing"

	"github.com/phucdap/phucdap/internal/storetest"
)

// TestMain runs the tests in parallel with background database drops (see
// storetest.Main), then stops the shared browser. The binary the
// end-to-end tests built stays for the next run (see binary).
func TestMain(m *testing.M) {
	code := storetest.Main(m)
	closeBrowser()
	os.Exit(code)
}
