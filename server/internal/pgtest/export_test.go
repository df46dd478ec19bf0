package pgtest

// SetChoosePort replaces how the next servers' ports are chosen, until
// the returned function restores it.
func SetChoosePort(f func() (int, error)) (restore func()) {
	old := choosePort
	choosePort = f
	return func() { choosePort = old }
}

// FreePort is freePort, for a test's own choosers.
var FreePort = freePort
