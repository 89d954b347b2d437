//go:build js || wasip1

package dataset

// goListDir cannot run the go command here (no os/exec).
func goListDir() (string, error) { return "", errNoExec }
