package platform

import (
	"fmt"
	"strings"
)

// Dep is one dependency of a constructor: its name and whether it was not
// given.
type Dep struct {
	Name   string
	Absent bool
}

// Needs returns an error naming every dependency of what that was not
// given, or nil. Constructors call it so that a wiring slip stops start-up
// instead of surfacing as a nil service at request time.
func Needs(what string, deps ...Dep) error {
	var missing []string
	for _, d := range deps {
		if d.Absent {
			missing = append(missing, d.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: missing %s", what, strings.Join(missing, ", "))
	}
	return nil
}
