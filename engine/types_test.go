package engine

import (
	"testing"

	"github.com/hunt-sec/hunt/parsers"
)

// TestTypes checks every column of both table schemas maps to a SQL type.
func TestTypes(t *testing.T) {
	for _, tab := range parsers.Tables {
		for _, f := range tab.Schema.Fields() {
			if _, ok := fromArrow(f.Type); !ok {
				t.Errorf("%s.%s: type %s not supported", tab.Name, f.Name, f.Type)
			}
		}
	}
	ui, _ := fromArrow(parsers.CloudTrailSchema.Field(1).Type)
	if _, ft := ui.fieldByName("sessioncontext"); ft == nil || ft.k != kStruct {
		t.Errorf("useridentity.sessioncontext: %v", ft)
	}
	res, _ := fromArrow(parsers.CloudTrailSchema.Field(parsers.CloudTrailSchema.FieldIndices("resources")[0]).Type)
	if res.name != "array(row(arn varchar, accountid varchar, type varchar))" {
		t.Errorf("resources type %s", res.name)
	}
}
