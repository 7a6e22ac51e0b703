package platform

import "runtime/debug"

// Version is set at build time with -ldflags "-X ...platform.Version=v1.2.3".
var Version = "dev"

// BuildInfo returns the version and the VCS revision when the binary has one.
func BuildInfo() (version, revision string) {
	version = Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
		if version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			version = bi.Main.Version
		}
	}
	return version, revision
}
