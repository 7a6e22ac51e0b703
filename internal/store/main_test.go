package store_test

import (
	"os"
	"testing"

	"github.com/phucdap/phucdap/internal/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
