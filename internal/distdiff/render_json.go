package distdiff

import (
	"encoding/json"
	"io"
)

// JSON writes the review as indented JSON, exactly the model (model.go), in
// a stable order: resources by env, layer, file, id (SortResources), each
// struct's fields in declaration order, and "resources": [] when nothing
// changed, never null.
func JSON(w io.Writer, r Review) error {
	r = sorted(r)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
