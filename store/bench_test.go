package store

import (
	"fmt"
	"testing"
	"time"
)

// benchStore returns a Store whose index holds n configurations, written
// directly (no keyring involved, as in List itself).
func benchStore(b testing.TB, n int) *Store {
	b.Helper()
	s, _ := memStore(b)
	configs := make([]Config, n)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for i := range configs {
		id, err := newID()
		if err != nil {
			b.Fatal(err)
		}
		configs[i] = Config{
			ID: id, Name: fmt.Sprintf("Config %04d", i), AIType: "OPENAI",
			Endpoint: "https://api.openai.com/v1", KeyFingerprint: "org-…abcd", SecretFingerprint: "sk-proj…wxyz·1a2b",
			Workspace: DefaultWorkspace, SecretBackend: BackendFile, CreatedAt: now, UpdatedAt: now,
			LastCheck: &Check{Status: "verified", At: now},
		}
	}
	if err := s.writeIndex(configs); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkList1000(b *testing.B) {
	s := benchStore(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		list, err := s.List()
		if err != nil || len(list) != 1000 {
			b.Fatal(err, len(list))
		}
	}
}

func BenchmarkResolve1000(b *testing.B) {
	s := benchStore(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Resolve("config 0999"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList1000Cold measures List when the file changed since the last
// read (another process wrote it), i.e. with a full parse every time.
func BenchmarkList1000Cold(b *testing.B) {
	s := benchStore(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		s.mu.Lock()
		s.haveCache = false
		s.mu.Unlock()
		list, err := s.List()
		if err != nil || len(list) != 1000 {
			b.Fatal(err, len(list))
		}
	}
}
