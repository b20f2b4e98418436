package sigma

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/hunt-sec/hunt/parsers"
	"go.yaml.in/yaml/v3"
)

// fieldKind says how a resolved field's values are held.
type fieldKind uint8

const (
	fieldString  fieldKind = iota // a varchar column or struct field
	fieldNumber                   // a bigint/integer/double column
	fieldJSON                     // a path inside a raw-JSON text column
	fieldJSONDoc                  // a raw-JSON text column itself (searched as text)
	fieldList                     // a field of the structs of a list column (resources.ARN): any element
)

// field is a Sigma field resolved against a table.
type field struct {
	Name string    // as written in the rule
	Kind fieldKind // how SQL reads it
	// Column is the SQL of the column or struct field ("useridentity.arn");
	// for fieldJSON the raw-JSON column holding Path.
	Column string
	// Path are the JSON member names below Column, for fieldJSON; for
	// fieldList, the one struct field of the list's elements.
	Path []string
}

// jsonPath is the JSONPath text of f.Path ("$.a.b", or $["a b"] where a
// name is not a plain identifier).
func (f *field) jsonPath() string {
	var b strings.Builder
	b.WriteString("$")
	for _, p := range f.Path {
		if isPlainName(p) {
			b.WriteString("." + p)
		} else {
			b.WriteString(`["` + p + `"]`)
		}
	}
	return b.String()
}

func isPlainName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// value is the SQL expression of a field's value as varchar ("" for
// numbers, which compare as numbers): json_extract_scalar for JSON paths.
func (f *field) value() string {
	switch f.Kind {
	case fieldJSON:
		return "json_extract_scalar(" + f.Column + ", " + sqlString(f.jsonPath()) + ")"
	}
	return f.Column
}

// exists is the SQL test of the field's presence.
func (f *field) exists() string {
	switch f.Kind {
	case fieldJSON:
		return "json_extract(" + f.Column + ", " + sqlString(f.jsonPath()) + ") IS NOT NULL"
	case fieldList:
		return "coalesce(any_match(" + f.Column + ", r -> r." + f.Path[0] + " IS NOT NULL), false)"
	}
	return f.Column + " IS NOT NULL"
}

// FieldMap maps Sigma field names of another convention (e.g. ECS-style
// aws.cloudtrail.user_identity.arn) to the names hunt resolves
// (CloudTrail's own, userIdentity.arn, or a column of the table). Keys
// match exactly, then ignoring ASCII case.
type FieldMap map[string]string

// LoadFieldMap reads a field map file: YAML with a top-level "fields"
// mapping (or a plain mapping) of Sigma field → hunt field.
//
//	fields:
//	  aws.cloudtrail.user_identity.arn: userIdentity.arn
//	  event.action: eventName
func LoadFieldMap(path string) (FieldMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, yamlError(path, err)
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = *n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil, errAt(path, &n, "", "expected a mapping of Sigma field → hunt field, found %s", kindName(&n))
	}
	m := &n
	if f := mapGet(&n, "fields"); f != nil {
		m = f
	}
	if m.Kind != yaml.MappingNode {
		return nil, errAt(path, m, "fields", "expected a mapping of Sigma field → hunt field, found %s", kindName(m))
	}
	out := FieldMap{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Value == "" {
			return nil, errAt(path, v, "fields."+k.Value, "expected a field name, found %s", kindName(v))
		}
		out[k.Value] = v.Value
	}
	return out, nil
}

// jsonColumns are CloudTrail's raw-JSON text columns, by lower-case name.
var jsonColumns = map[string]bool{
	"requestparameters": true, "responseelements": true, "additionaleventdata": true,
	"serviceeventdetails": true, "edgedevicedetails": true,
}

// resolveField resolves a Sigma field name against table t: through fm
// first, then as a column (ignoring case), a struct field path
// (userIdentity.sessionContext.sessionIssuer.userName), or a path inside
// one of CloudTrail's raw-JSON columns (requestParameters.bucketName).
func resolveField(name string, t *parsers.Table, fm FieldMap) (*field, error) {
	orig := name
	if m, ok := fm[name]; ok {
		name = m
	} else {
		for k, v := range fm {
			if strings.EqualFold(k, name) {
				name = v
				break
			}
		}
	}
	parts := strings.Split(name, ".")
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("expected a field name, found %q", orig)
		}
	}
	top, ok := t.Column(strings.ToLower(parts[0]))
	if !ok {
		return nil, fmt.Errorf("expected a field of table %s (a column such as %s, or a field map entry), found %q", t.Name, sampleColumns(t), orig)
	}
	col := strings.ToLower(parts[0])
	if jsonColumns[col] && top.Type.ID() == arrow.STRING {
		if len(parts) == 1 {
			return &field{Name: orig, Kind: fieldJSONDoc, Column: col}, nil
		}
		return &field{Name: orig, Kind: fieldJSON, Column: col, Path: parts[1:]}, nil
	}
	typ := top.Type
	if lt, ok := typ.(*arrow.ListType); ok {
		// A list of structs (CloudTrail's resources): one field of its
		// elements, matched if any element matches.
		st, ok := lt.Elem().(*arrow.StructType)
		if !ok || len(parts) != 2 {
			return nil, fmt.Errorf("expected a field of the elements of list %s (%s.FIELD), found %q", col, parts[0], orig)
		}
		ef, ok := st.FieldByName(strings.ToLower(parts[1]))
		if !ok || ef.Type.ID() != arrow.STRING {
			var names []string
			for _, sf := range st.Fields() {
				names = append(names, sf.Name)
			}
			return nil, fmt.Errorf("expected a field of table %s, found %q (the elements of %s have %s)", t.Name, orig, col, strings.Join(names, ", "))
		}
		return &field{Name: orig, Kind: fieldList, Column: col, Path: []string{strings.ToLower(parts[1])}}, nil
	}
	for _, p := range parts[1:] {
		st, ok := typ.(*arrow.StructType)
		if !ok {
			return nil, fmt.Errorf("expected a field of table %s, found %q (%s has no field %q)", t.Name, orig, col, p)
		}
		f, ok := st.FieldByName(strings.ToLower(p))
		if !ok {
			var names []string
			for _, sf := range st.Fields() {
				names = append(names, sf.Name)
			}
			return nil, fmt.Errorf("expected a field of table %s, found %q (%s has %s)", t.Name, orig, col, strings.Join(names, ", "))
		}
		col += "." + strings.ToLower(p)
		typ = f.Type
	}
	if d, ok := typ.(*arrow.DictionaryType); ok {
		typ = d.ValueType
	}
	switch typ.ID() {
	case arrow.STRING, arrow.LARGE_STRING:
		return &field{Name: orig, Kind: fieldString, Column: col}, nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.FLOAT32, arrow.FLOAT64:
		return &field{Name: orig, Kind: fieldNumber, Column: col}, nil
	}
	return nil, fmt.Errorf("expected a field holding text or a number, found %q of type %s", orig, typ)
}

func sampleColumns(t *parsers.Table) string {
	var names []string
	for _, f := range t.Schema.Fields() {
		if !strings.HasPrefix(f.Name, "$") {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	if len(names) > 6 {
		names = append(names[:6], "...")
	}
	return strings.Join(names, ", ")
}

// FieldSQL returns the SQL expression of a Sigma field's value over table
// t (varchar, or the number for number columns): what a correlation's
// group-by and value_count fields read. Errors name the field; the caller
// adds the position.
func FieldSQL(name string, t *parsers.Table, fm FieldMap) (string, error) {
	f, err := resolveField(name, t, fm)
	if err != nil {
		return "", err
	}
	switch f.Kind {
	case fieldList:
		return "", fmt.Errorf("expected a field with one value per event, found list field %q", name)
	}
	return f.value(), nil
}
