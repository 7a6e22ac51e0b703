package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/phucdap/phucdap/internal/storetest"
)

// TestMain runs the tests in parallel with background database drops (see
// storetest.Main), then stops the shared browser and removes the binary
// the end-to-end tests built.
func TestMain(m *testing.M) {
	code := storetest.Main(m)
	closeBrowser()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
