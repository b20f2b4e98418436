//go:build !huntpoison

package parsers

import "github.com/apache/arrow-go/v18/arrow/memory"

// recyclePoison is false but in builds with -tags huntpoison (see
// arrow_mem_poison.go).
const recyclePoison = false

// defaultMem is the allocator of readers given none.
func defaultMem() memory.Allocator { return memory.DefaultAllocator }
