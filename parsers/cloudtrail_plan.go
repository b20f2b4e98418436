package parsers

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
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
	// ctTimeFallback is the top-level "@timestamp" of SIEM exports: its raw
	// value is kept and, only in a record without eventTime, decoded and
	// checked as eventtime (CloudTrailReader.fallbackTime).
	ctTimeFallback
)

// marks set on top-level keys whatever the projection, so the reader can tell
// records from digest files and from objects that are not CloudTrail at all.
const (
	markRecord = 1 << iota // a key every CloudTrail record has
	markDigest             // a key only digest files have
	// markTime is eventTime's too: skipMembersAVX2 decodes at most one
	// time a run, and its caller checks it (CloudTrailReader.runTime).
	markTime
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
	key     string // lower-case key; matched ignoring ASCII case
	spelled string // the key as the input last spelled it, for an exact match
	kind    ctKind
	mark    uint8
	slot    int       // value slot in the object's slot space
	obj     *ctObject // ctStruct: the object; ctList: the element object
	list    int       // ctList, ctMap: index of the reader's element storage
	// next are the fields whose keys followed this one lately, the last
	// first: records spell their keys in one order, but for optional keys
	// (errorCode, resources, additionalEventData...), so the reader tries
	// these spellings before scanning and looking up a key (see
	// ctObject.first and CloudTrailReader.parseObject).
	next [2]*ctField
	// pat is the member's start as last spelled, `"key":`, in three
	// little-endian words, with pmask selecting its plen bytes (0 when
	// it is longer than 24 bytes: then pat and pmask match no member),
	// for keyWordsAt. A fourth word, its mask zero, makes them 32
	// bytes, which skipMembersAVX2 compares as one vector. Fields are
	// predicted (first, next) only once found by a spelling, so
	// setSpelled has set these.
	pat, pmask [4]uint64
	plen       int
}

// setSpelled makes s the spelling keyAt and keyWordsAt match.
func (f *ctField) setSpelled(s string) {
	f.spelled = s
	f.pat, f.pmask, f.plen = [4]uint64{}, [4]uint64{}, 0
	p := `"` + s + `":`
	if len(p) > 24 {
		// No member matches: its first byte, '"', is not 0.
		// skipMembersAVX2 compares the words without looking at plen.
		f.pmask[0] = 0xff
		return
	}
	for k := range len(p) {
		f.pat[k/8] |= uint64(p[k]) << (8 * (k % 8))
		f.pmask[k/8] |= 0xff << (8 * (k % 8))
	}
	f.plen = len(p)
}

// keyMatch is keyAt, by keyWordsAt where it can: a predicted key is
// compared as three words, not by a call to memequal per member (~8 %
// of the instructions of reading eventname alone). A key spelled with
// blank space before its ':' misses there and is then scanned and
// looked up, finding the same field.
func (f *ctField) keyMatch(b []byte, i int) (int, bool) {
	if f.plen > 0 && i+24 <= len(b) {
		return i + f.plen - 1, f.keyWordsAt(b, i)
	}
	return f.keyAt(b, i)
}

// keyWordsAt reports whether the member at b[i] == '"' starts with f's
// key as last spelled and a ':' right after it, comparing words: a hit
// is a keyAt hit followed by ':', and b[i+f.plen] is the value's first
// byte. It needs 24 bytes at b[i] and a spelling of at most 21 bytes
// (plen > 0).
func (f *ctField) keyWordsAt(b []byte, i int) bool {
	w := b[i : i+24]
	x0 := binary.LittleEndian.Uint64(w)
	x1 := binary.LittleEndian.Uint64(w[8:])
	x2 := binary.LittleEndian.Uint64(w[16:])
	return (x0^f.pat[0])&f.pmask[0]|(x1^f.pat[1])&f.pmask[1]|(x2^f.pat[2])&f.pmask[2] == 0
}

// maxUnknownKeys bounds the unknown keys an object node remembers: a few
// per CloudTrail object, more only in exports with extra fields or hostile
// input, which are then read at the speed of a miss.
const maxUnknownKeys = 16

// unknownKey returns the stand-in field of key, a plain key find does not
// know, creating it if there is room, or nil.
func (o *ctObject) unknownKey(key []byte) *ctField {
	for _, f := range o.unknown {
		if f.spelled == string(key) {
			return f
		}
	}
	if len(o.unknown) >= maxUnknownKeys {
		return nil
	}
	f := &ctField{key: string(key), kind: ctSkip}
	f.setSpelled(string(key))
	o.unknown = append(o.unknown, f)
	return f
}

// follows records that f's key came after p's (p's key was first when p
// is nil) in object o.
func (o *ctObject) follows(p, f *ctField) {
	if p == nil {
		o.first = f
		return
	}
	if p.next[0] != f {
		p.next[1], p.next[0] = p.next[0], f
	}
}

// ctObject is a JSON object node: its keys sorted by length, so a lookup
// compares only keys of the right length.
type ctObject struct {
	fields []ctField
	byLen  [maxKeyLen + 2]uint8 // fields[byLen[n]:byLen[n+1]] have length n
	nslots int                  // slots of the space this object starts (list elements)
	first  *ctField             // the field of the first key of the last object read
	// unknown holds keys of the input the schema does not have
	// ("managementEvent"), as fields of kind ctSkip that find never
	// returns, so that key order prediction goes on past them (at most
	// maxUnknownKeys per object).
	unknown []*ctField
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

// keyAt reports whether the string at b[i] == '"' is f's key as last
// spelled, and returns the index after it. A match is exactly what
// scanString and find would return: the spelling holds no escape, control
// character or quote, as only plain keys are looked up.
func (f *ctField) keyAt(b []byte, i int) (int, bool) {
	k := i + 1 + len(f.spelled)
	if k < len(b) && b[k] == '"' && string(b[i+1:k]) == f.spelled {
		return k + 1, true
	}
	return 0, false
}

// find returns the field for key, or nil.
func (o *ctObject) find(key []byte) *ctField {
	n := len(key)
	if n > maxKeyLen {
		return nil
	}
	lo, hi := o.byLen[n], o.byLen[n+1]
	// Fast path: the spelling seen last time ("eventName"), compared as a
	// whole; CloudTrail spells each key the same way in every record.
	for k := lo; k < hi; k++ {
		if f := &o.fields[k]; f.spelled == string(key) {
			return f
		}
	}
	// Slow path: ASCII case folding, as Athena's JSON SerDe matches keys;
	// remember the spelling (one allocation per key and reader).
	for k := lo; k < hi; k++ {
		if f := &o.fields[k]; equalFold(key, f.key) {
			f.setSpelled(string(key))
			return f
		}
	}
	return nil
}

// ctCol appends one parsed value to its column builder.
type ctCol struct {
	kind     ctKind
	typ      arrow.DataType
	slot     int
	str      *strBuilder
	dict     *dictBuilder
	st       *validBuilder
	children []*ctCol
	lst      *offsetsBuilder // ctList and ctMap
	elem     *ctCol          // ctList: the element struct
	mk, mv   *strBuilder     // ctMap: keys and values
	list     int
	nslots   int
	// only, for a top-level text column, says which records it is
	// decoded in (WithOnlyIn); nil: every record.
	only *ctOnly
}

// ctOnly admits the records in which one of its keys admits.
type ctOnly struct {
	keys []*ctOnlyKey
	// mask has the bits of its keys in the plan's onlyGroups (keys of
	// dictionary-encoded columns); slow are its other keys, asked one
	// by one (admitsKey).
	mask uint64
	slow []*ctOnlyKey
}

// ctOnlyGroup is the keys of WithOnlyIn entries on one
// dictionary-encoded key column (eventname, useridentity.type...):
// per entry of the batch's dictionary, dec holds the bits of the keys
// that admit it, with bit 63 set once it is looked up. Reset per batch.
type ctOnlyGroup struct {
	dict *dictBuilder
	keys []*ctOnlyKey
	dec  []uint64
}

// ctOnlyKey admits the records whose key column (a text slot: top-level
// or a struct field's) holds one of values, or lower-cases to one of
// folded.
type ctOnlyKey struct {
	key    int
	values map[string]struct{}
	folded map[string]struct{}
	// dict is the key column's builder when it is dictionary-encoded
	// and decoded in every record (eventname, eventsource,
	// useridentity.type...): the reader appends it before the columns
	// decoded only in some records, so a record's key is an index into
	// the batch's dictionary, and dec holds, per index, whether the
	// value was admitted (1), not (2) or not looked up yet (0). Reset per
	// batch.
	dict *dictBuilder
	dec  []int8
	bit  uint // in the bits of ctOnlyGroup.dec and ctOnly.mask
	// last is the key of the last record looked at and lastOK whether
	// it was admitted, for a key that is not dictionary-encoded.
	last   []byte
	lastOK bool
}

// onlyIn sets up the WithOnlyIn entries of a plan made of schema: a
// column is decoded in the records that any of its entries admits. An
// entry whose column is not a projected top-level text column is
// ignored; one whose key is not a projected text column (top-level or a
// struct's field), or is the column itself, leaves its column decoded
// in every record, as the entry could not be checked.
func (p *ctPlan) onlyIn(schema *arrow.Schema, entries []OnlyIn) {
	// Fields copies the schema's fields: once, not per entry (the
	// library's hunts give a reader hundreds of entries, and each object
	// read makes a plan: 11.5 MB of copies per library run over the 2 GiB
	// corpus, heap that a run without collections takes fresh pages for).
	fields := schema.Fields()
	colOf := func(name string) *ctCol {
		parts := strings.Split(name, ".")
		var c *ctCol
		var typ arrow.DataType
		k := 0
		for _, f := range fields {
			if f.Name == SourceColumn {
				continue
			}
			if f.Name == parts[0] {
				c, typ = p.cols[k], f.Type
				break
			}
			k++
		}
		for _, part := range parts[1:] {
			st, ok := typ.(*arrow.StructType)
			if c == nil || c.kind != ctStruct || !ok {
				return nil
			}
			i, ok := st.FieldIdx(part)
			if !ok {
				return nil
			}
			c, typ = c.children[i], st.Field(i).Type
		}
		return c
	}
	text := func(c *ctCol) bool { return c != nil && (c.kind == ctString || c.kind == ctRaw) }
	everywhere := map[*ctCol]bool{}
	keyCols := map[*ctOnlyKey]*ctCol{}
	var cols []*ctCol // with entries, in order
	for _, e := range entries {
		if strings.Contains(e.Column, ".") {
			continue
		}
		c, key := colOf(e.Column), colOf(e.Key)
		switch {
		case !text(c) || everywhere[c]:
			continue
		case !text(key) || c == key:
			c.only, everywhere[c] = nil, true
			if c.str != nil {
				c.str.sparse = false
			}
			continue
		}
		if c.only == nil {
			c.only = &ctOnly{}
			if c.str != nil {
				c.str.sparse = true
			}
		}
		var k *ctOnlyKey
		for _, x := range c.only.keys {
			if x.key == key.slot {
				k = x
			}
		}
		if k == nil {
			k = &ctOnlyKey{key: key.slot, values: map[string]struct{}{}, folded: map[string]struct{}{}}
			c.only.keys = append(c.only.keys, k)
			keyCols[k] = key
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
		for _, v := range e.Values {
			k.values[v] = struct{}{}
		}
		for _, v := range e.Folded {
			k.folded[v] = struct{}{}
		}
	}
	for _, c := range cols {
		if c.only == nil {
			continue
		}
		for _, k := range c.only.keys {
			if key := keyCols[k]; key.dict != nil && key.only == nil {
				k.dict = key.dict
			}
			p.onlyKeys = append(p.onlyKeys, k)
		}
	}
	// The keys of a dictionary-encoded column are decided together,
	// once per dictionary entry: ~9 keys a record in hunt run's
	// library, on four columns.
	for _, c := range cols {
		if c.only == nil {
			continue
		}
		for _, k := range c.only.keys {
			if k.dict == nil || len(p.onlyKeys) > 63 {
				c.only.slow = append(c.only.slow, k)
				continue
			}
			k.bit = uint(slices.Index(p.onlyKeys, k))
			c.only.mask |= 1 << k.bit
			g := p.onlyGroup(k.dict)
			if !slices.Contains(g.keys, k) {
				g.keys = append(g.keys, k)
			}
		}
	}
	p.setOps()
}

// onlyGroup returns the group of the keys on the column of d.
func (p *ctPlan) onlyGroup(d *dictBuilder) *ctOnlyGroup {
	for _, g := range p.onlyGroups {
		if g.dict == d {
			return g
		}
	}
	g := &ctOnlyGroup{dict: d}
	p.onlyGroups = append(p.onlyGroups, g)
	return g
}

// finish returns the array data of the column's rows so far and starts a
// new batch. The caller releases it.
func (c *ctCol) finish() *array.Data {
	switch c.kind {
	case ctStruct:
		children := make([]arrow.ArrayData, len(c.children))
		for i, ch := range c.children {
			children[i] = ch.finish()
		}
		valid, n, nulls := c.st.finish()
		d := array.NewData(c.typ, n, []*memory.Buffer{valid}, children, nulls, 0)
		releaseAll(valid, children)
		return d
	case ctList:
		bufs, n, nulls := c.lst.finish()
		child := c.elem.finish()
		d := array.NewData(c.typ, n, bufs, []arrow.ArrayData{child}, nulls, 0)
		releaseAll(bufs[0], []arrow.ArrayData{child})
		bufs[1].Release()
		return d
	case ctMap:
		bufs, n, nulls := c.lst.finish()
		keys, vals := c.mk.finish(), c.mv.finish()
		entries := array.NewData(c.typ.(*arrow.MapType).Elem(), keys.Len(), []*memory.Buffer{nil}, []arrow.ArrayData{keys, vals}, 0, 0)
		releaseAll(nil, []arrow.ArrayData{keys, vals})
		d := array.NewData(c.typ, n, bufs, []arrow.ArrayData{entries}, nulls, 0)
		releaseAll(bufs[0], []arrow.ArrayData{entries})
		bufs[1].Release()
		return d
	default:
		if c.dict != nil {
			return c.dict.finish()
		}
		return c.str.finish()
	}
}

// reserve makes room for rows more values in the column's leaves.
func (c *ctCol) reserve(rows int) {
	switch {
	case c.str != nil:
		c.str.reserve(rows)
	case c.dict != nil:
		c.dict.reserve(rows)
	}
	for _, ch := range c.children {
		ch.reserve(rows)
	}
}

func releaseAll(buf *memory.Buffer, data []arrow.ArrayData) {
	if buf != nil {
		buf.Release()
	}
	for _, d := range data {
		d.Release()
	}
}

// release frees the buffers of unfinished rows.
func (c *ctCol) release() {
	switch {
	case c.str != nil:
		c.str.release()
	case c.dict != nil:
		c.dict.release()
	}
	if c.st != nil {
		c.st.valid.release()
	}
	if c.lst != nil {
		c.lst.release()
	}
	if c.mk != nil {
		c.mk.release()
		c.mv.release()
	}
	for _, ch := range c.children {
		ch.release()
	}
	if c.elem != nil {
		c.elem.release()
	}
}

// ctPlan is the compiled projection.
type ctPlan struct {
	top     *ctObject
	cols    []*ctCol // one per projected column except $path
	pathCol int      // index of $path in the batch, or -1
	path    *dictBuilder
	nslots  int // slots of the top-level space
	// timeSlot is the top-level slot of eventtime, decoded and checked
	// whatever the projection: a record without a valid one is rejected.
	// timeField is its field. tsSlot holds the raw "@timestamp" value, the
	// event time of a record without eventTime.
	timeSlot  int
	timeField *ctField
	tsSlot    int
	nlists    int
	mem       memory.Allocator
	// onlyKeys are the keys of the columns decoded only in some records
	// (WithOnlyIn), for resetting their caches per batch.
	onlyKeys   []*ctOnlyKey
	onlyGroups []*ctOnlyGroup
	// ops is how appendRecord appends a record: the leaves of cols
	// decoded in every record; only, those decoded only in some (see
	// setOps).
	ops, only []ctOp
	// onlySlow is whether a column of only has keys asked one by one
	// (ctOnly.slow): without them, a record no group key admits has
	// none of only's columns decoded.
	onlySlow bool
}

// ctOp appends one value of a record to a column (see appendRecord).
type ctOp struct {
	kind ctOpKind
	slot int
	str  *strBuilder
	dict *dictBuilder
	col  *ctCol
	sub  int // opStruct: the ops of its subtree, which follow it
}

// padNulls appends nulls to an opOnly op's column up to n rows.
func (op *ctOp) padNulls(n int) {
	if op.dict != nil {
		op.dict.padNulls(n)
	} else {
		op.str.padNulls(n)
	}
}

type ctOpKind uint8

const (
	opStr    ctOpKind = iota // a string column's value or null
	opDict                   // a dictionary column's value or null
	opStruct                 // a struct's validity; its children's ops follow
	opOther                  // a list or map column: appendCol
	opOnly                   // a column decoded only in some records (WithOnlyIn)
)

// setOps lists p.ops, the columns decoded in every record (the keys
// of the others are among them), leaves of structs flattened, and
// p.only, those decoded only in some.
func (p *ctPlan) setOps() {
	p.ops, p.only, p.onlySlow = p.ops[:0], p.only[:0], false
	var add func(c *ctCol)
	add = func(c *ctCol) {
		switch {
		case c.kind == ctStruct:
			k := len(p.ops)
			p.ops = append(p.ops, ctOp{kind: opStruct, slot: c.slot, col: c})
			for _, ch := range c.children {
				add(ch)
			}
			p.ops[k].sub = len(p.ops) - k - 1
		case c.kind == ctList || c.kind == ctMap:
			p.ops = append(p.ops, ctOp{kind: opOther, slot: c.slot, col: c})
		case c.dict != nil:
			p.ops = append(p.ops, ctOp{kind: opDict, slot: c.slot, dict: c.dict, col: c})
		default:
			p.ops = append(p.ops, ctOp{kind: opStr, slot: c.slot, str: c.str, col: c})
		}
	}
	for _, c := range p.cols {
		if c.only == nil {
			add(c)
		}
	}
	for _, c := range p.cols {
		if c.only != nil {
			p.only = append(p.only, ctOp{kind: opOnly, slot: c.slot, str: c.str, dict: c.dict, col: c})
			p.onlySlow = p.onlySlow || len(c.only.slow) > 0
		}
	}
}

func newCTPlan(schema *arrow.Schema, mem memory.Allocator) (*ctPlan, error) {
	p := &ctPlan{top: &ctObject{}, pathCol: -1, mem: mem}
	projected := make(map[string]bool)
	for i, f := range schema.Fields() {
		if f.Name == SourceColumn {
			p.pathCol = i
			p.path = newDictBuilder(mem)
			continue
		}
		projected[f.Name] = true
		fld, col, err := p.compile(f, &p.nslots)
		if err != nil {
			return nil, err
		}
		if f.Name == "eventtime" {
			p.timeSlot = fld.slot
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
			p.timeSlot = p.nslots
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
	// SIEM exports of CloudTrail (Logstash, Elastic, the OTRF datasets)
	// carry the event time as "@timestamp" and drop eventTime.
	p.top.fields = append(p.top.fields, ctField{key: "@timestamp", kind: ctTimeFallback, slot: p.nslots})
	p.tsSlot = p.nslots
	p.nslots++
	p.top.index()
	for i := range p.top.fields {
		if p.top.fields[i].key == "eventtime" {
			p.timeField = &p.top.fields[i]
			p.timeField.mark |= markTime
		}
	}
	if p.nslots > len(nullSlots) {
		panic("BUG: more value slots than nullSlots holds")
	}
	p.setOps()
	return p, nil
}

// compile builds the parse field and the builder column for f, numbering
// value slots in *slots.
func (p *ctPlan) compile(f arrow.Field, slots *int) (ctField, *ctCol, error) {
	fld := ctField{key: f.Name, slot: *slots}
	col := &ctCol{slot: *slots, typ: f.Type}
	*slots++
	switch t := f.Type.(type) {
	case *arrow.StructType:
		fld.kind, col.kind = ctStruct, ctStruct
		fld.obj = &ctObject{}
		col.st = &validBuilder{mem: p.mem}
		for _, cf := range t.Fields() {
			cfld, ccol, err := p.compile(cf, slots)
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
		col.lst = &offsetsBuilder{validBuilder: validBuilder{mem: p.mem}}
		// Elements have a slot space of their own: slot 0 is the element's
		// presence, then its fields.
		var elemSlots int
		efld, ecol, err := p.compile(arrow.Field{Name: f.Name, Type: st, Nullable: true}, &elemSlots)
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
		col.lst = &offsetsBuilder{validBuilder: validBuilder{mem: p.mem}}
		col.mk, col.mv = newStrBuilder(p.mem), newStrBuilder(p.mem)
	case *arrow.DictionaryType:
		fld.kind, col.kind = ctString, ctString
		col.dict = newDictBuilder(p.mem)
	case *arrow.StringType:
		fld.kind = ctString
		switch {
		case f.Name == "eventtime":
			fld.kind = ctTime
		case ctRawColumns[f.Name]:
			fld.kind = ctRaw
		}
		col.kind = fld.kind
		col.str = newStrBuilder(p.mem)
	default:
		return fld, nil, fmt.Errorf("BUG: column %q has unsupported type %s", f.Name, f.Type)
	}
	return fld, col, nil
}
