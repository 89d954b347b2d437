package dataset_test

import (
	"bytes"
	"fmt"

	"dissolve/dataset"
)

func Example() {
	dir, err := dataset.MNISTDir()
	if err != nil {
		fmt.Println(err)
		return
	}
	test, err := dataset.LoadMNIST(dir, "test")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("test: %d digits of %d×%d×%d, the first a %d\n", test.Len(), test.W, test.H, test.C, test.Labels[0])

	// The page's file: the first 1,000, written and read back.
	var file bytes.Buffer
	if err := dataset.WriteSubset(&file, test.Subset(1000)); err != nil {
		fmt.Println(err)
		return
	}
	sub, err := dataset.ReadSubset(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("subset: %d digits, labels %v…\n", sub.Len(), sub.Labels[:10])
	// Output:
	// test: 10000 digits of 28×28×1, the first a 7
	// subset: 1000 digits, labels [7 2 1 0 4 1 4 9 5 9]…
}
