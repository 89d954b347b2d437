//go:build !js && !wasip1

package dataset

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
)

// goListDir asks the go command where the MNIST module is (its Dir is
// empty when the module is not in the module cache).
func goListDir() (string, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	cmd := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}", MNISTModule)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
