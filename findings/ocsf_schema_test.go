package findings

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// ocsfSchema is the part of the OCSF schema vendored in testdata/ocsf,
// compiled the way the OCSF server compiles it: a class or object is its
// extends chain, then its $includes (profiles mark their attributes), then
// its own attributes, each merged over the dictionary's definition.
type ocsfSchema struct {
	dir      string
	version  string
	dict     map[string]map[string]any // dictionary attributes
	types    map[string]map[string]any // dictionary types
	objects  map[string]*ocsfDef
	class    *ocsfDef
	category struct {
		uid     int
		caption string
	}
}

type ocsfDef struct {
	name       string
	caption    string
	uid        int
	attrs      map[string]*ocsfAttr
	atLeastOne []string
	profiles   []string // profiles the class (with its parents) supports
}

type ocsfAttr struct {
	requirement string
	typ         string // dictionary type: string_t, ..., or an object name
	isArray     bool
	enum        map[string]string // value → caption
	sibling     string
	profile     string // the profile that brings it, "" if none
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func loadOCSFSchema(t *testing.T, dir string) *ocsfSchema {
	t.Helper()
	s := &ocsfSchema{dir: dir, objects: map[string]*ocsfDef{}}
	s.version = readJSON(t, filepath.Join(dir, "version.json"))["version"].(string)
	d := readJSON(t, filepath.Join(dir, "dictionary.json"))
	s.dict = map[string]map[string]any{}
	for k, v := range d["attributes"].(map[string]any) {
		s.dict[k] = v.(map[string]any)
	}
	s.types = map[string]map[string]any{}
	for k, v := range d["types"].(map[string]any)["attributes"].(map[string]any) {
		s.types[k] = v.(map[string]any)
	}
	s.class = s.def(t, "events/findings/detection_finding.json")
	cats := readJSON(t, filepath.Join(dir, "categories.json"))["attributes"].(map[string]any)
	cat := cats["findings"].(map[string]any)
	s.category.uid = int(cat["uid"].(float64))
	s.category.caption = cat["caption"].(string)
	return s
}

// def compiles the class or object in file (relative to the schema dir).
func (s *ocsfSchema) def(t *testing.T, file string) *ocsfDef {
	t.Helper()
	raw := readJSON(t, filepath.Join(s.dir, file))
	d := &ocsfDef{attrs: map[string]*ocsfAttr{}}
	if ext, ok := raw["extends"].(string); ok {
		var parent *ocsfDef
		switch {
		case strings.HasPrefix(file, "objects/"):
			parent = s.object(t, ext)
		case ext == "base_event":
			parent = s.def(t, "events/base_event.json")
		default:
			parent = s.def(t, filepath.Join(filepath.Dir(file), ext+".json"))
		}
		for k, a := range parent.attrs {
			c := *a
			d.attrs[k] = &c
		}
		d.atLeastOne = parent.atLeastOne
		d.profiles = slices.Clone(parent.profiles)
		d.uid = parent.uid
	}
	d.name, _ = raw["name"].(string)
	d.caption, _ = raw["caption"].(string)
	if uid, ok := raw["uid"].(float64); ok {
		d.uid = int(uid)
	}
	ps, _ := raw["profiles"].([]any)
	for _, p := range ps {
		d.profiles = append(d.profiles, p.(string))
	}
	if c, ok := raw["constraints"].(map[string]any); ok {
		if alo, ok := c["at_least_one"].([]any); ok {
			d.atLeastOne = nil
			for _, a := range alo {
				d.atLeastOne = append(d.atLeastOne, a.(string))
			}
		}
	}
	attrs, _ := raw["attributes"].(map[string]any)
	if inc, ok := attrs["$include"].([]any); ok {
		for _, f := range inc {
			ir := readJSON(t, filepath.Join(s.dir, f.(string)))
			profile := ""
			if ir["meta"] == "profile" {
				profile = ir["name"].(string)
			}
			for k, v := range ir["attributes"].(map[string]any) {
				s.merge(t, d, k, v.(map[string]any), profile)
			}
		}
	}
	for k, v := range attrs {
		if k != "$include" {
			s.merge(t, d, k, v.(map[string]any), "")
		}
	}
	return d
}

// merge lays attribute k's definition over what d has (or the
// dictionary's).
func (s *ocsfSchema) merge(t *testing.T, d *ocsfDef, k string, v map[string]any, profile string) {
	t.Helper()
	a := d.attrs[k]
	if a == nil {
		dict, ok := s.dict[k]
		if !ok {
			t.Fatalf("%s: attribute %s not in the dictionary", d.name, k)
		}
		a = &ocsfAttr{enum: map[string]string{}, profile: profile}
		a.typ, _ = dict["type"].(string)
		a.isArray, _ = dict["is_array"].(bool)
		a.sibling, _ = dict["sibling"].(string)
		mergeEnum(a.enum, dict["enum"])
		d.attrs[k] = a
	} else {
		e := map[string]string{}
		for k, v := range a.enum {
			e[k] = v
		}
		a.enum = e
	}
	if r, ok := v["requirement"].(string); ok {
		a.requirement = r
	}
	mergeEnum(a.enum, v["enum"])
}

func mergeEnum(dst map[string]string, enum any) {
	m, _ := enum.(map[string]any)
	for k, v := range m {
		c, _ := v.(map[string]any)["caption"].(string)
		dst[k] = c
	}
}

func (s *ocsfSchema) object(t *testing.T, name string) *ocsfDef {
	t.Helper()
	if o, ok := s.objects[name]; ok {
		return o
	}
	file := filepath.Join("objects", name+".json")
	if _, err := os.Stat(filepath.Join(s.dir, file)); err != nil {
		return nil // not vendored
	}
	o := s.def(t, file)
	s.objects[name] = o
	return o
}

// baseType follows a dictionary type to its base: string_t, integer_t,
// long_t, float_t, boolean_t, json_t; "" for an object type.
func (s *ocsfSchema) baseType(typ string) string {
	for {
		td, ok := s.types[typ]
		if !ok {
			return ""
		}
		next, _ := td["type"].(string)
		if next == "" {
			return typ
		}
		typ = next
	}
}

// validate checks one OCSF event (decoded JSON) and returns its errors.
func (s *ocsfSchema) validate(t *testing.T, ev map[string]any) []string {
	v := &ocsfValidation{s: s, t: t, declared: map[string]bool{}}
	md, _ := ev["metadata"].(map[string]any)
	profiles, _ := md["profiles"].([]any)
	for _, p := range profiles {
		name, _ := p.(string)
		if !slices.Contains(s.class.profiles, name) {
			v.bad("metadata.profiles: %q is not a profile of %s (%v)", name, s.class.name, s.class.profiles)
		}
		v.declared[name] = true
	}
	if md["version"] != s.version {
		v.bad("metadata.version = %v; want %s", md["version"], s.version)
	}
	classUID := s.category.uid*1000 + s.class.uid
	num := func(k string) int {
		f, _ := ev[k].(float64)
		return int(f)
	}
	if num("class_uid") != classUID || ev["class_name"] != s.class.caption {
		v.bad("class_uid %v class_name %v; want %d %s", ev["class_uid"], ev["class_name"], classUID, s.class.caption)
	}
	if num("category_uid") != s.category.uid || ev["category_name"] != s.category.caption {
		v.bad("category_uid %v category_name %v; want %d %s", ev["category_uid"], ev["category_name"], s.category.uid, s.category.caption)
	}
	if want := classUID*100 + num("activity_id"); num("type_uid") != want || ev["type_name"] != s.class.caption+": "+fmt.Sprint(ev["activity_name"]) {
		v.bad("type_uid %v type_name %v; want %d %s: %v", ev["type_uid"], ev["type_name"], want, s.class.caption, ev["activity_name"])
	}
	v.object("", s.class, ev, map[string]bool{"class_uid": true, "category_uid": true, "type_uid": true})
	return v.errs
}

type ocsfValidation struct {
	s        *ocsfSchema
	t        *testing.T
	declared map[string]bool
	errs     []string
}

func (v *ocsfValidation) bad(format string, a ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, a...))
}

// object checks obj against d: no unknown attributes, none of a profile
// not declared, required ones present, at-least-one constraints, and each
// value's type and enum. skipEnum names attributes checked elsewhere.
func (v *ocsfValidation) object(path string, d *ocsfDef, obj map[string]any, skipEnum map[string]bool) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := strings.TrimPrefix(path+"."+k, ".")
		a, ok := d.attrs[k]
		if !ok {
			v.bad("%s: not an attribute of %s", p, d.name)
			continue
		}
		if a.profile != "" && !v.declared[a.profile] {
			v.bad("%s: an attribute of the %s profile, which metadata.profiles does not declare", p, a.profile)
		}
		val := obj[k]
		if a.isArray {
			arr, ok := val.([]any)
			if !ok {
				v.bad("%s: expected an array, found %T", p, val)
				continue
			}
			for i, e := range arr {
				v.value(fmt.Sprintf("%s[%d]", p, i), a, e, skipEnum[k])
			}
			continue
		}
		v.value(p, a, val, skipEnum[k])
		if a.sibling != "" && len(a.enum) > 0 {
			if cap, ok := a.enum[fmt.Sprint(val)]; ok && fmt.Sprint(val) != "99" {
				if sib, ok := obj[a.sibling]; ok && sib != cap {
					v.bad("%s: %v means %q, but %s is %q", p, val, cap, a.sibling, sib)
				}
			}
		}
	}
	for k, a := range d.attrs {
		if a.requirement == "required" && (a.profile == "" || v.declared[a.profile]) {
			if _, ok := obj[k]; !ok {
				v.bad("%s: required attribute %s of %s missing", strings.TrimPrefix(path+"."+k, "."), k, d.name)
			}
		}
	}
	if len(d.atLeastOne) > 0 && !slices.ContainsFunc(d.atLeastOne, func(k string) bool { _, ok := obj[k]; return ok }) {
		v.bad("%s: %s needs at least one of %v", path, d.name, d.atLeastOne)
	}
}

func (v *ocsfValidation) value(p string, a *ocsfAttr, val any, skipEnum bool) {
	base := v.s.baseType(a.typ)
	switch base {
	case "":
		if a.typ == "object" { // the generic object: anything goes
			if _, ok := val.(map[string]any); !ok {
				v.bad("%s: expected an object, found %T", p, val)
			}
			return
		}
		od := v.s.object(v.t, a.typ)
		if od == nil {
			v.bad("%s: object %s is not vendored in %s", p, a.typ, v.s.dir)
			return
		}
		obj, ok := val.(map[string]any)
		if !ok {
			v.bad("%s: expected a %s object, found %T", p, a.typ, val)
			return
		}
		v.object(p, od, obj, nil)
		return
	case "string_t":
		s, ok := val.(string)
		if !ok {
			v.bad("%s: expected a string (%s), found %T %v", p, a.typ, val, val)
			return
		}
		if a.typ == "ip_t" {
			if _, err := netip.ParseAddr(s); err != nil {
				v.bad("%s: expected an IP address, found %q", p, s)
			}
		}
	case "integer_t", "long_t":
		f, ok := val.(float64)
		if !ok || f != math.Trunc(f) || (base == "integer_t" && (f > math.MaxInt32 || f < math.MinInt32)) {
			v.bad("%s: expected an %s (%s), found %T %v", p, base, a.typ, val, val)
			return
		}
		if a.typ == "port_t" && (f < 0 || f > 65535) {
			v.bad("%s: port %v out of range", p, f)
		}
	case "float_t":
		if _, ok := val.(float64); !ok {
			v.bad("%s: expected a number, found %T", p, val)
		}
	case "boolean_t":
		if _, ok := val.(bool); !ok {
			v.bad("%s: expected a boolean, found %T", p, val)
		}
	case "json_t":
		return
	default:
		v.bad("%s: type %s not handled by this validator", p, a.typ)
	}
	if len(a.enum) > 0 && !skipEnum {
		key := fmt.Sprint(val)
		if f, ok := val.(float64); ok {
			key = strconv.FormatInt(int64(f), 10)
		}
		if _, ok := a.enum[key]; !ok {
			v.bad("%s: %v is not one of %v", p, val, slices.Sorted(mapKeys(a.enum)))
		}
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestOCSFSchema validates the OCSF form of every finding of the golden
// hunt run against the OCSF 1.1.0 Detection Finding class.
func TestOCSFSchema(t *testing.T) {
	s := loadOCSFSchema(t, "testdata/ocsf")
	golden := goldenFindings(t)
	golden = append(golden, sinkFinding(1))
	for i := range golden {
		b, err := appendOCSFLines(nil, golden[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		var ev map[string]any
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatal(err)
		}
		for _, e := range s.validate(t, ev) {
			t.Errorf("finding %s (%s): %s", golden[i].ID, golden[i].HuntID, e)
		}
	}
}

// TestOCSFSchema_Failure: the validator finds what it is there to find.
func TestOCSFSchema_Failure(t *testing.T) {
	s := loadOCSFSchema(t, "testdata/ocsf")
	f := sinkFinding(1)
	for _, tc := range []struct {
		name   string
		change func(ev map[string]any)
		want   string
	}{
		{"top-level src_endpoint", func(ev map[string]any) { ev["src_endpoint"] = map[string]any{"ip": "198.51.100.7"} }, "src_endpoint: not an attribute of detection_finding"},
		{"cloud without the profile", func(ev map[string]any) { ev["metadata"].(map[string]any)["profiles"] = []any{} }, "cloud: an attribute of the cloud profile"},
		{"top-level actor without host", func(ev map[string]any) { ev["actor"] = map[string]any{"user": map[string]any{"uid": "a"}} }, "actor: an attribute of the host profile"},
		{"unknown profile", func(ev map[string]any) { ev["metadata"].(map[string]any)["profiles"] = []any{"cloud", "nope"} }, `"nope" is not a profile`},
		{"severity out of enum", func(ev map[string]any) { ev["severity_id"] = float64(7) }, "severity_id: 7 is not one of"},
		{"severity caption", func(ev map[string]any) { ev["severity"] = "Severe" }, `severity_id: 4 means "High", but severity is "Severe"`},
		{"string for int", func(ev map[string]any) { ev["count"] = "2" }, "count: expected an integer_t"},
		{"missing uid", func(ev map[string]any) { delete(ev["finding_info"].(map[string]any), "uid") }, "finding_info.uid: required attribute uid of finding_info missing"},
		{"missing cloud", func(ev map[string]any) { delete(ev, "cloud") }, "cloud: required attribute cloud of detection_finding missing"},
		{"bad IP", func(ev map[string]any) {
			ev["evidences"].([]any)[0].(map[string]any)["src_endpoint"] = map[string]any{"ip": "not-an-ip"}
		}, "evidences[0].src_endpoint.ip: expected an IP address"},
		{"empty evidence", func(ev map[string]any) { ev["evidences"] = []any{map[string]any{}} }, "evidences[0]: evidences needs at least one of"},
		{"unknown nested", func(ev map[string]any) { ev["finding_info"].(map[string]any)["severity"] = "x" }, "finding_info.severity: not an attribute of finding_info"},
		{"type_uid", func(ev map[string]any) { ev["type_uid"] = float64(200402) }, "type_uid 200402"},
		{"version", func(ev map[string]any) { ev["metadata"].(map[string]any)["version"] = "1.3.0" }, "metadata.version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := appendOCSFLines(nil, []Finding{f})
			var ev map[string]any
			if err := json.Unmarshal(b, &ev); err != nil {
				t.Fatal(err)
			}
			if errs := s.validate(t, ev); len(errs) > 0 {
				t.Fatalf("valid event: %q", errs)
			}
			tc.change(ev)
			errs := s.validate(t, ev)
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
				t.Errorf("errors %q; want one with %q", errs, tc.want)
			}
		})
	}
}
