package storetest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRAMDiskFitsOnlyWhatStandsInForTmp: a directory on the RAM disk is
// taken only with /tmp's permissions (a 0700 one of root's own kept the
// fault suite's cluster, running as the postgres user, out of its data
// directory), and a directory on another file system never is.
func TestRAMDiskFitsOnlyWhatStandsInForTmp(t *testing.T) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(ramDisk, &st); err != nil || st.Type != tmpfsMagic || st.Bavail*uint64(st.Bsize) < ramDiskRoom {
		t.Skipf("%s is not a tmpfs with %d bytes free", ramDisk, ramDiskRoom)
	}
	dir, err := os.MkdirTemp(ramDisk, "phucdap-ramdisk-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, c := range []struct {
		mode os.FileMode
		want bool
	}{{0o700, false}, {0o777, false}, {os.ModeSticky | 0o755, false}, {os.ModeSticky | 0o777, true}} {
		if err := os.Chmod(dir, c.mode); err != nil {
			t.Fatal(err)
		}
		if got := ramDiskFits(dir); got != c.want {
			t.Errorf("a directory on %s with mode %v: fits %t, want %t", ramDisk, c.mode, got, c.want)
		}
	}
	// The package's own directory, on the disk the checkout is on, unless
	// that is a tmpfs too.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Statfs(wd, &st); err == nil && st.Type != tmpfsMagic && ramDiskFits(filepath.Clean(wd)) {
		t.Errorf("%s, not a tmpfs, fits", wd)
	}
}
