package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/99designs/keyring"
)

// growthSizes are the index sizes of issue 14's growth figures.
var growthSizes = []int{100, 1000, 10000}

// BenchmarkOpenList measures a command's start: Open on existing
// directories plus the first List (a cold parse of configs.json).
func BenchmarkOpenList(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchStore(b, n)
			b.ReportAllocs()
			for b.Loop() {
				s2, err := Open(Options{ConfigDir: s.configDir, DataDir: s.dataDir, Env: envMap{}.get,
					Keyring: keyring.NewArrayKeyring(nil), Timeout: testTimeout, LockTimeout: testTimeout})
				if err != nil {
					b.Fatal(err)
				}
				list, err := s2.List()
				if err != nil || len(list) != n {
					b.Fatal(err, len(list))
				}
			}
		})
	}
}

// BenchmarkAdd measures one Add into an index of n configurations (the
// keyring is in memory, so this is the index's cost: lock, read, encode,
// fsync, rename).
func BenchmarkAdd(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchStore(b, n)
			ctx := context.Background()
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				if _, err := s.Add(ctx, cfg(fmt.Sprintf("bench add %d", i)), Credentials{Secret: "sk-bench"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSetLastCheck measures recording one check in an index of n.
func BenchmarkSetLastCheck(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchStore(b, n)
			list, err := s.List()
			if err != nil {
				b.Fatal(err)
			}
			at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				i++
				if err := s.SetLastCheck(list[i%n].ID, Check{Status: "verified", At: at}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecord100Checks measures recording the outcome of 100 checks
// (a `test --all` of 100 configurations) in an index of n: one
// SetLastChecks (before it existed: 100 SetLastCheck calls, 180 ms at 100,
// 1.5 s at 1,000 and 3.3 s at 10,000 configurations).
func BenchmarkRecord100Checks(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchStore(b, n)
			list, err := s.List()
			if err != nil {
				b.Fatal(err)
			}
			at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			for b.Loop() {
				checks := make(map[string]Check, 100)
				for _, c := range list[:100] {
					checks[c.ID] = Check{Status: "verified", At: at}
				}
				if err := s.SetLastChecks(checks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCredentialsRead measures one secret read with an index of n:
// the index lookup that precedes the keyring read.
func BenchmarkCredentialsRead(b *testing.B) {
	for _, n := range growthSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchStore(b, n)
			ctx := context.Background()
			c, err := s.Add(ctx, cfg("bench read"), Credentials{Secret: "sk-bench"})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Credentials(ctx, c.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPassphraseGuess measures what one offline guess of the file
// keyring's passphrase costs: the library's own PBKDF2-SHA256 (8,192
// iterations) plus one item decryption, as before Argon2id; and the
// Argon2id stretch with DefaultKDF in front of it, as now.
func BenchmarkPassphraseGuess(b *testing.B) {
	dir := b.TempDir()
	kf, err := newKDFFile(DefaultKDF)
	if err != nil {
		b.Fatal(err)
	}
	const pass = "correct horse battery"
	for _, tt := range []struct {
		name   string
		derive func(string) string
	}{
		{"pbkdf2-8192", func(p string) string { return p }},
		{"argon2id-default", func(p string) string { return deriveKey(p, kf) }},
	} {
		b.Run(tt.name, func(b *testing.B) {
			kdir := filepath.Join(dir, tt.name)
			key := tt.derive(pass)
			w := &fileItems{dir: kdir, uid: os.Getuid(), password: func() (string, error) { return key, nil }}
			if err := w.Set(keyring.Item{Key: verifierKey, Data: verifierData}); err != nil {
				b.Fatal(err)
			}
			guess := func() error {
				key := tt.derive(pass) // a right guess costs what a wrong one does
				kr, err := keyring.Open(keyring.Config{AllowedBackends: []keyring.BackendType{keyring.FileBackend},
					FileDir: kdir, FilePasswordFunc: keyring.FixedStringPrompt(key)})
				if err != nil {
					return err
				}
				_, err = kr.Get(verifierKey)
				return err
			}
			b.Run("one", func(b *testing.B) {
				for b.Loop() {
					if err := guess(); err != nil {
						b.Fatal(err)
					}
				}
			})
			// An attacker runs a guess on every core: ns/op is then the
			// machine's time per guess.
			b.Run("all-cores", func(b *testing.B) {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if err := guess(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}
