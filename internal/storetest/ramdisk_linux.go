package storetest

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ramDisk is the RAM-backed file system a test binary keeps its temporary
// files on, when the machine has one with room to spare.
const ramDisk = "/dev/shm"

// ramDiskRoom is the free space ramDisk must have: the suite's SQLite
// files, 10 MB attachments, exports and Chromium's profile take a few
// hundred megabytes at most, and a container's default /dev/shm (64 MB)
// would fill.
const ramDiskRoom = 2 << 30

// tmpfsMagic is the f_type statfs gives a tmpfs.
const tmpfsMagic = 0x01021994

// useRAMDisk points TMPDIR, for this process and the processes it starts
// (the phucdap binary, Chromium), at a directory of its own user on
// ramDisk, unless TMPDIR is set already or ramDisk is not a tmpfs with
// ramDiskRoom free. Every t.TempDir, the SQLite template and the
// browser's profile then live in memory: the databases run as in
// production (synchronous=FULL), but their writes and fsyncs, and
// Chromium's cache writes, no longer go through the disk's journal.
func useRAMDisk() {
	if os.Getenv("TMPDIR") != "" {
		return
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(ramDisk, &st); err != nil || st.Type != tmpfsMagic || st.Bavail*uint64(st.Bsize) < ramDiskRoom {
		return
	}
	dir := filepath.Join(ramDisk, fmt.Sprintf("phucdap-test-%d", os.Getuid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	os.Setenv("TMPDIR", dir)
}
