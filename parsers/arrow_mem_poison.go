//go:build huntpoison

package parsers

import "github.com/apache/arrow-go/v18/arrow/memory"

// recyclePoison: built with -tags huntpoison, every Recycler overwrites
// the buffers freed to it, and readers given no allocator build in a
// shared poisoning Recycler, so that the whole test suite checks that
// nothing reads a batch's memory after releasing it.
const recyclePoison = true

var poisonMem = NewRecycler(DefaultRecycleBytes)

func defaultMem() memory.Allocator { return poisonMem }
