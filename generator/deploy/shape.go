package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Shape describes the structure of a YAML stream without its values: one
// line per node with its path, its kind and, for a scalar, its resolved
// type (string, int, bool). Two files with the same shape differ only in
// values; a value that added a key, an item or a document changes it.
//
// Mapping keys are structure, except the service names under a compose
// file's top-level services: those are values, written <service>.
func Shape(data []byte) (string, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var b strings.Builder
	for i := 0; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		shapeOf(&b, fmt.Sprintf("doc%d", i), &doc, false)
	}
	return b.String(), nil
}

func shapeOf(b *strings.Builder, path string, n *yaml.Node, keysAreNames bool) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			shapeOf(b, path, c, false)
		}
	case yaml.MappingNode:
		fmt.Fprintf(b, "%s map %d\n", path, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if keysAreNames {
				key = "<service>"
			}
			// The top-level services mapping of a compose file is keyed by
			// name; a Kubernetes document has no such key.
			names := !strings.Contains(path, ".") && key == "services"
			shapeOf(b, path+"."+key, n.Content[i+1], names)
		}
	case yaml.SequenceNode:
		fmt.Fprintf(b, "%s seq %d\n", path, len(n.Content))
		for i, c := range n.Content {
			shapeOf(b, fmt.Sprintf("%s[%d]", path, i), c, false)
		}
	case yaml.ScalarNode:
		fmt.Fprintf(b, "%s %s\n", path, n.ShortTag())
	case yaml.AliasNode:
		fmt.Fprintf(b, "%s alias\n", path)
	}
}
