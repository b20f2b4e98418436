//go:build amd64 && !purego

package engine

import "golang.org/x/sys/cpu"

// useLoadStringsAsm: loadStrings writes eight string headers a step in
// assembly (vec_strings_amd64.s, AVX2).
var useLoadStringsAsm = cpu.X86.HasAVX2

// loadStringsAsm is loadStrings' loop over blocks of eight values: it
// returns how many values it stored and false when it stopped before a
// block with a row or offset out of range (see vec_strings_amd64.s).
// Its stores have no write barriers: see loadStrings.
//
//go:noescape
func loadStringsAsm(out []string, offs []int32, buf []byte, rows []int32) (done int, ok bool)
