package parsers

import (
	"fmt"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// This file turns a projected CloudTrail schema into the two trees the reader
// walks per record: ctObject (which JSON keys to decode, where each value
// goes) and ctCol (which Arrow builder each value is appended to).

// ctKind says how the reader treats a JSON key's value.
type ctKind uint8

const (
	ctSkip   ctKind = iota // a known key the projection does not need
	ctString               // a string; JSON null is null; numbers and booleans become their text, as in Athena's JSON SerDe
	ctTime                 // a string holding an RFC 3339 time (eventtime)
	ctRaw                  // any JSON value kept as its text (requestparameters...)
	ctStruct               // an object decoded into child fields
	ctList                 // an array of objects
	ctMap                  // an object of string values
)

// marks set on top-level keys whatever the projection, so the reader can tell
// records from digest files and from objects that are not CloudTrail at all.
const (
	markRecord = 1 << iota // a key every CloudTrail record has
	markDigest             // a key only digest files have
)

// ctRawColumns hold the raw JSON text of the value, as Athena keeps them.
var ctRawColumns = map[string]bool{
	"requestparameters":   true,
	"responseelements":    true,
	"additionaleventdata": true,
	"serviceeventdetails": true,
	"edgedevicedetails":   true,
}

// ctField is one JSON key of an object node.
type ctField struct {
	key  string // lower-case key; matched ignoring ASCII case
	kind ctKind
	mark uint8
	slot int       // value slot in the object's slot space
	obj  *ctObject // ctStruct: the object; ctList: the element object
	list int       // ctList, ctMap: index of the reader's element storage
}

// ctObject is a JSON object node: its keys sorted by length, so a lookup
// compares only keys of the right length.
type ctObject struct {
	fields []ctField
	byLen  [maxKeyLen + 2]uint8 // fields[byLen[n]:byLen[n+1]] have length n
	nslots int                  // slots of the space this object starts (list elements)
}

const maxKeyLen = 40

func (o *ctObject) index() {
	sort.SliceStable(o.fields, func(i, j int) bool { return len(o.fields[i].key) < len(o.fields[j].key) })
	k := 0
	for n := 0; n <= maxKeyLen+1; n++ {
		for k < len(o.fields) && len(o.fields[k].key) < n {
			k++
		}
		o.byLen[n] = uint8(k)
	}
}

// find returns the field for key, or nil.
func (o *ctObject) find(key []byte) *ctField {
	n := len(key)
	if n > maxKeyLen {
		return nil
	}
	for k := o.byLen[n]; k < o.byLen[n+1]; k++ {
		if equalFold(key, o.fields[k].key) {
			return &o.fields[k]
		}
	}
	return nil
}

// ctCol appends one parsed value to its Arrow builder.
type ctCol struct {
	kind     ctKind
	slot     int
	str      *array.StringBuilder
	dict     *array.BinaryDictionaryBuilder
	st       *array.StructBuilder
	children []*ctCol
	lst      *array.ListBuilder
	elem     *ctCol // ctList: the element struct
	mp       *array.MapBuilder
	mk, mv   *array.StringBuilder
	list     int
	nslots   int
}

// ctPlan is the compiled projection.
type ctPlan struct {
	top     *ctObject
	cols    []*ctCol // one per projected column except $path
	pathCol int      // index of $path in the batch, or -1
	nslots  int      // slots of the top-level space
	nlists  int
}

func newCTPlan(schema *arrow.Schema, rb *array.RecordBuilder) (*ctPlan, error) {
	p := &ctPlan{top: &ctObject{}, pathCol: -1}
	projected := make(map[string]bool)
	for i, f := range schema.Fields() {
		if f.Name == SourceColumn {
			p.pathCol = i
			continue
		}
		projected[f.Name] = true
		fld, col, err := p.compile(f, rb.Field(i), &p.nslots)
		if err != nil {
			return nil, err
		}
		p.top.fields = append(p.top.fields, fld)
		p.cols = append(p.cols, col)
	}
	// Every key of the full schema is known at the top level, projected or
	// not, so records can be told from other objects. eventtime is always
	// checked: it is every record's identity and every time filter's input.
	for _, f := range CloudTrailSchema.Fields() {
		switch {
		case f.Name == SourceColumn || projected[f.Name]:
		case f.Name == "eventtime":
			p.top.fields = append(p.top.fields, ctField{key: f.Name, kind: ctTime, slot: p.nslots})
			p.nslots++
		default:
			p.top.fields = append(p.top.fields, ctField{key: f.Name, kind: ctSkip})
		}
	}
	for i := range p.top.fields {
		switch p.top.fields[i].key {
		case "eventversion", "eventtime", "eventid", "eventname", "eventsource", "eventtype":
			p.top.fields[i].mark = markRecord
		}
	}
	for _, k := range []string{"digeststarttime", "digestendtime", "digests3object", "digestpublickeyfingerprint"} {
		p.top.fields = append(p.top.fields, ctField{key: k, kind: ctSkip, mark: markDigest})
	}
	p.top.index()
	return p, nil
}

// compile builds the parse field and the builder column for f, numbering
// value slots in *slots.
func (p *ctPlan) compile(f arrow.Field, b array.Builder, slots *int) (ctField, *ctCol, error) {
	fld := ctField{key: f.Name, slot: *slots}
	col := &ctCol{slot: *slots}
	*slots++
	switch t := f.Type.(type) {
	case *arrow.StructType:
		fld.kind, col.kind = ctStruct, ctStruct
		fld.obj = &ctObject{}
		col.st = b.(*array.StructBuilder)
		for i, cf := range t.Fields() {
			cfld, ccol, err := p.compile(cf, col.st.FieldBuilder(i), slots)
			if err != nil {
				return fld, nil, err
			}
			fld.obj.fields = append(fld.obj.fields, cfld)
			col.children = append(col.children, ccol)
		}
		fld.obj.index()
	case *arrow.ListType:
		st, ok := t.Elem().(*arrow.StructType)
		if !ok {
			return fld, nil, fmt.Errorf("BUG: list column %q of %s", f.Name, t.Elem())
		}
		fld.kind, col.kind = ctList, ctList
		fld.list, col.list = p.nlists, p.nlists
		p.nlists++
		col.lst = b.(*array.ListBuilder)
		// Elements have a slot space of their own: slot 0 is the element's
		// presence, then its fields.
		var elemSlots int
		efld, ecol, err := p.compile(arrow.Field{Name: f.Name, Type: st, Nullable: true}, col.lst.ValueBuilder(), &elemSlots)
		if err != nil {
			return fld, nil, err
		}
		fld.obj = efld.obj
		fld.obj.nslots = elemSlots
		col.elem, col.nslots = ecol, elemSlots
	case *arrow.MapType:
		fld.kind, col.kind = ctMap, ctMap
		fld.list, col.list = p.nlists, p.nlists
		p.nlists++
		col.mp = b.(*array.MapBuilder)
		col.mk = col.mp.KeyBuilder().(*array.StringBuilder)
		col.mv = col.mp.ItemBuilder().(*array.StringBuilder)
	case *arrow.DictionaryType:
		fld.kind, col.kind = ctString, ctString
		col.dict = b.(*array.BinaryDictionaryBuilder)
	case *arrow.StringType:
		fld.kind = ctString
		switch {
		case f.Name == "eventtime":
			fld.kind = ctTime
		case ctRawColumns[f.Name]:
			fld.kind = ctRaw
		}
		col.kind = fld.kind
		col.str = b.(*array.StringBuilder)
	default:
		return fld, nil, fmt.Errorf("BUG: column %q has unsupported type %s", f.Name, f.Type)
	}
	return fld, col, nil
}
