package secrettest

import "testing"

func TestLeakFindsEveryPiece(t *testing.T) {
	const secret = "sk-proj-abcdefghijklmnopqrstuvwxyz"
	if got := Leak("nothing here", secret); got != "" {
		t.Fatalf("false positive %q", got)
	}
	for i := 0; i+PieceLen <= len(secret); i++ {
		text := "…" + secret[i:i+PieceLen] + "…"
		if Leak(text, secret) == "" {
			t.Fatalf("piece at %d not found", i)
		}
	}
	if Leak("short", "") != "" {
		t.Fatal("an empty secret matches nothing")
	}
	if Leak(secret[:PieceLen-1], secret) != "" {
		t.Fatal("11 characters are not a piece")
	}
}
