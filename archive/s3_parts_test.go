package archive

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestPartWindow drives a partWindow as the transfer manager does: parts
// queued in order to concurrent workers, each writing its part in small
// pieces and sometimes restarting it from the part's start (a retried
// body), while one reader consumes the stream.
func TestPartWindow(t *testing.T) {
	f := func(size, partSize, workers int64) {
		t.Helper()
		data := make([]byte, size)
		rng := rand.New(rand.NewPCG(uint64(size), uint64(partSize)))
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		w := newPartWindow(size, partSize, workers*partSize)
		parts := make(chan int64)
		var wg sync.WaitGroup
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				for p := range parts {
					start, end := p*partSize, min((p+1)*partSize, size)
					for attempt := 0; ; attempt++ {
						off := start
						stop := end
						if attempt == 0 && rng.IntN(3) == 0 {
							stop = start + (end-start)/2 // the body fails half way
						}
						for off < stop {
							n := min(int64(1+rng.IntN(5000)), stop-off)
							if _, err := w.WriteAt(data[off:off+n], off); err != nil {
								t.Errorf("WriteAt(%d): %v", off, err)
								return
							}
							off += n
						}
						if stop == end {
							break
						}
					}
				}
			}()
		}
		go func() {
			for p := int64(0); p*partSize < size; p++ {
				parts <- p
			}
			close(parts)
			wg.Wait()
			w.finish(nil)
		}()
		got, err := io.ReadAll(w)
		if err != nil {
			t.Fatalf("size %d part %d: %v", size, partSize, err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("size %d part %d workers %d: content differs", size, partSize, workers)
		}
		if int64(len(w.buf)) > workers*partSize {
			t.Errorf("window %d bytes; want at most %d", len(w.buf), workers*partSize)
		}
	}
	f(1<<20, 64<<10, 4)
	f(1<<20+12345, 64<<10, 3)
	f(100000, 100000, 2)
	f(99, 10, 1)
}

// TestPartWindow_Short checks that a download that ends without all bytes
// is an error, not a short stream.
func TestPartWindow_Short(t *testing.T) {
	w := newPartWindow(100, 40, 80)
	w.WriteAt(make([]byte, 40), 0)
	w.finish(nil)
	if _, err := io.ReadAll(w); !errors.Is(err, ErrTruncated) {
		t.Fatalf("got %v; want ErrTruncated", err)
	}
}
