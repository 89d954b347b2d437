package app

import (
	"dissolve/dataset"
	"dissolve/reverse"
)

// Direction is which way the page runs the diffusion.
type Direction string

const (
	// Forward is x_0 → x_T: the picture dissolves into noise (the lesson).
	Forward Direction = "forward"
	// Reverse is x_T → x_0: noise from the seed turns back into a picture,
	// step by step, with a sampler and a denoiser over a data set.
	Reverse Direction = "reverse"
)

// The reverse process's choices, by their public names.
const (
	SamplerDDPM = "ddpm" // ancestral sampling, Ho et al. 2020 Algorithm 2
	SamplerDDIM = "ddim" // Song et al. 2021 eq. 12 over S of the T steps

	VarianceSmall = "small" // σ_t² = β̃_t
	VarianceLarge = "large" // σ_t² = β_t

	// DenoiserIdeal is E[x_0 | x_t] over the data set: the best possible
	// denoiser, which memorises. DenoiserLocal is Kamb & Ganguli's local
	// patch denoiser, which creates. DenoiserOracle knows x_0.
	DenoiserIdeal  = "ideal"
	DenoiserLocal  = "local"
	DenoiserOracle = "oracle"

	// DatasetDigits are MNIST training digits (web/data/mnist-train.bin);
	// DatasetPhotos the built-in photographs; DatasetUploads the
	// visitor's uploaded picture.
	DatasetDigits  = "digits"
	DatasetPhotos  = "photos"
	DatasetUploads = "uploads"

	// DefaultSteps is DDIM's default S: 50 steps, as in Song et al.
	DefaultSteps = 50
)

// PhotoDataset names the built-in pictures of the "photos" data set.
var PhotoDataset = []string{"astronaut", "cat", "coffee"}

// SamplerConfig is the reverse sampler the state asks for. DDIM visits
// its steps with diffusers' "trailing" spacing, which starts at t = T
// (Lin et al. 2023).
func (s State) SamplerConfig() reverse.Config {
	c := reverse.Config{Method: reverse.DDPM, Variance: reverse.Small, Eta: s.Eta, Steps: s.T, Spacing: reverse.Trailing}
	if s.Variance == VarianceLarge {
		c.Variance = reverse.Large
	}
	if s.Sampler == SamplerDDIM {
		c.Method, c.Steps = reverse.DDIM, s.Steps
	}
	return c
}

// datasetNames are the data sets available now: "uploads" once a picture
// has been uploaded.
func datasetNames(images ImageSet) []string {
	names := []string{DatasetDigits, DatasetPhotos}
	if datasetSize(DatasetUploads, images) > 0 {
		names = append(names, DatasetUploads)
	}
	return names
}

// datasetSize is how many training images the data set name holds:
// the page's digits, the photographs, or the uploaded picture (if any).
func datasetSize(name string, images ImageSet) int {
	switch name {
	case DatasetDigits:
		return dataset.PageTrainDigits
	case DatasetPhotos:
		return len(PhotoDataset)
	case DatasetUploads:
		if images.Has(UploadImage) {
			return 1
		}
	}
	return 0
}
