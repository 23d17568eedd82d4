package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFileBackendSelect measures selecting the file backend with n
// keyring item files present (start-up of a command that uses secrets).
// Item files are not decrypted by selection, so their content is filler.
func BenchmarkFileBackendSelect(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			kdir := filepath.Join(dir, "data", "keyring")
			if err := os.MkdirAll(kdir, 0o700); err != nil {
				b.Fatal(err)
			}
			for i := range n {
				id, _ := newID()
				if err := os.WriteFile(filepath.Join(kdir, fmt.Sprintf("fbllm%%2F%s.g%d", id, i%3+1)), []byte("x"), 0o600); err != nil {
					b.Fatal(err)
				}
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				s := fileStore(b, dir, nil)
				if _, err := s.Backend(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
