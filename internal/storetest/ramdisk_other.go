//go:build !linux

package storetest

// useRAMDisk leaves TMPDIR alone where no RAM disk is known (see
// ramdisk_linux.go).
func useRAMDisk() {}
