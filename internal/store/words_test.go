package store_test

import "github.com/phucdap/phucdap/internal/i18n"

// testCatalogue is the application's messages, which word the exports'
// headers and layout.
var testCatalogue = func() *i18n.Catalog {
	c, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return c
}()

// viT words an export in Vietnamese, as the office's are by default.
func viT(id string) string { return testCatalogue.T(i18n.VI, id, nil) }
