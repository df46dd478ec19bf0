//go:build linux

package k8stest

import "syscall"

// sysProcAttr puts a server in its own process group and has the kernel kill
// it if the test binary dies without running its cleanups.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
