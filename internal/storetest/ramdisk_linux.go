package storetest

import (
	"os"
	"syscall"
)

// ramDisk is the RAM-backed file system a test binary keeps its temporary
// files on, when the machine has one with room to spare.
const ramDisk = "/dev/shm"

// ramDiskRoom is the free space ramDisk must have. A whole go test ./...
// added at most 75 MB to /dev/shm (df, each second of a run): its SQLite
// files, 10 MB attachments, exports and Chromium's profile. The e2e
// test's phucdap binary, kept there between runs, is 55 MB more. A
// container's default /dev/shm (64 MB) would fill.
const ramDiskRoom = 2 << 30

// tmpfsMagic is the f_type statfs gives a tmpfs.
const tmpfsMagic = 0x01021994

// useRAMDisk points TMPDIR, for this process and the processes it starts
// (the phucdap binary, Chromium, a throwaway PostgreSQL cluster), at
// ramDisk, unless TMPDIR is set already or ramDisk is not a tmpfs with
// ramDiskRoom free, open to every user as /tmp is (sticky, world-
// writable: the fault suite's cluster runs as the postgres user, in a
// directory under it). Every t.TempDir, the SQLite template and the
// browser's profile then live in memory: the databases run as in
// production (synchronous=FULL), but their writes and fsyncs no longer go
// through the disk's journal.
func useRAMDisk() {
	if os.Getenv("TMPDIR") == "" && ramDiskFits(ramDisk) {
		os.Setenv("TMPDIR", ramDisk)
	}
}

// ramDiskFits reports whether dir can stand in for /tmp: a tmpfs with
// ramDiskRoom free, sticky and writable by every user.
func ramDiskFits(dir string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil || st.Type != tmpfsMagic || st.Bavail*uint64(st.Bsize) < ramDiskRoom {
		return false
	}
	fi, err := os.Stat(dir)
	return err == nil && fi.Mode()&os.ModeSticky != 0 && fi.Mode().Perm()&0o002 != 0
}
