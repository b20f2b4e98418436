package parsers

import (
	"fmt"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// projectSchema prunes full to the column paths in cols, keeping the order of
// full. A path names a top-level column ("eventname"), a field inside struct
// columns ("useridentity.sessioncontext.attributes.mfaauthenticated"), or a
// field of a list of structs ("resources.arn"). Naming a struct or list keeps
// it whole. nil cols keeps every column.
//
// The same full and cols give the same *arrow.Schema: a scan opens a
// reader per object, all with the scan's projection, and a query that
// resolved its columns against one object's batches knows the next
// object's by the pointer (engine's opScan). A rule pack's run resolved
// each hunt's columns anew for every object it read.
func projectSchema(full *arrow.Schema, cols []string) (*arrow.Schema, error) {
	if cols == nil {
		return full, nil
	}
	key := projKey{full, strings.Join(cols, "\x00")}
	projected.Lock()
	sc, ok := projected.m[key]
	projected.Unlock()
	if ok {
		return sc, nil
	}
	sc, err := projectSchemaSlow(full, cols)
	if err != nil {
		return nil, err
	}
	projected.Lock()
	if len(projected.m) >= maxProjected {
		clear(projected.m) // many projections: a long-lived process of many queries
	}
	projected.m[key] = sc
	projected.Unlock()
	return sc, nil
}

// projected holds the schemas projectSchema made.
var projected = struct {
	sync.Mutex
	m map[projKey]*arrow.Schema
}{m: map[projKey]*arrow.Schema{}}

// projKey is a schema and a projection's paths, joined by NUL.
type projKey struct {
	full *arrow.Schema
	cols string
}

// maxProjected bounds the schemas projected holds.
const maxProjected = 64

// projectSchemaSlow is projectSchema without the memo.
func projectSchemaSlow(full *arrow.Schema, cols []string) (*arrow.Schema, error) {
	root := &projNode{}
	for _, c := range cols {
		if c == "" {
			return nil, fmt.Errorf("empty column name in projection")
		}
		root.add(strings.Split(strings.ToLower(c), "."))
	}
	fields := make([]arrow.Field, 0, len(root.children))
	seen := 0
	for _, f := range full.Fields() {
		n, ok := root.children[f.Name]
		if !ok {
			continue
		}
		seen++
		pf, err := n.prune(f, f.Name)
		if err != nil {
			return nil, err
		}
		fields = append(fields, pf)
	}
	if seen != len(root.children) {
		for name := range root.children {
			if full.FieldIndices(name) == nil {
				return nil, fmt.Errorf("unknown column %q", name)
			}
		}
	}
	md := full.Metadata()
	return arrow.NewSchema(fields, &md), nil
}

// projNode is one level of a projection tree; a node without children means
// "the whole field".
type projNode struct {
	children map[string]*projNode
	whole    bool
}

func (n *projNode) add(path []string) {
	if n.children == nil {
		n.children = make(map[string]*projNode)
	}
	c := n.children[path[0]]
	if c == nil {
		c = &projNode{}
		n.children[path[0]] = c
	}
	if len(path) == 1 {
		c.whole = true
		return
	}
	c.add(path[1:])
}

// prune returns f restricted to n's children.
func (n *projNode) prune(f arrow.Field, path string) (arrow.Field, error) {
	if n.whole || len(n.children) == 0 {
		return f, nil
	}
	switch t := f.Type.(type) {
	case *arrow.StructType:
		kept := make([]arrow.Field, 0, len(n.children))
		for _, cf := range t.Fields() {
			cn, ok := n.children[cf.Name]
			if !ok {
				continue
			}
			pf, err := cn.prune(cf, path+"."+cf.Name)
			if err != nil {
				return f, err
			}
			kept = append(kept, pf)
		}
		if len(kept) != len(n.children) {
			for name := range n.children {
				if _, ok := t.FieldByName(name); !ok {
					return f, fmt.Errorf("unknown field %q in column %q", name, path)
				}
			}
		}
		f.Type = arrow.StructOf(kept...)
		return f, nil
	case *arrow.ListType:
		ef, err := n.prune(t.ElemField(), path)
		if err != nil {
			return f, err
		}
		f.Type = arrow.ListOfField(ef)
		return f, nil
	default:
		for name := range n.children {
			return f, fmt.Errorf("column %q has no field %q: it is %s", path, name, f.Type)
		}
	}
	return f, nil
}
