// Package reverse is the lesson's next episode: the reverse process that
// turns noise back into a picture, and the loss a network is trained on.
package reverse
