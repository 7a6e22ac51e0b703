package main

import (
	"testing"

	"github.com/phucdap/phucdap/internal/config"
	"github.com/phucdap/phucdap/internal/i18n"
)

// Every job of the registry has its description on the jobs page in both
// languages and its override in the configuration: a job added without
// them showed its message key to the admin and could not be rescheduled.
func TestRegistryJobsAreDescribedAndConfigurable(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	overrides := config.JobsConfig{}.Jobs()
	for _, j := range registry(nil, nil, nil, nil, nil) {
		for _, lang := range []string{"vi", "en"} {
			if !cat.Has(lang, "jobs.desc."+j.Name) {
				t.Errorf("%s: no jobs.desc.%s in %s", j.Name, j.Name, lang)
			}
		}
		if _, ok := overrides[j.Name]; !ok {
			t.Errorf("%s: no override in config.JobsConfig", j.Name)
		}
	}
}
