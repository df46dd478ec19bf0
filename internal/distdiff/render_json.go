package distdiff

import (
	"encoding/json"
	"io"
)

// JSON writes the review as indented JSON, exactly the model (model.go):
// resources in Review order (Diff sorts them by env, layer, file, id), each
// struct's fields in declaration order, and "resources": [] when nothing
// changed, never null.
func JSON(w io.Writer, r Review) error {
	if r.Resources == nil {
		r.Resources = []ResourceDiff{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
