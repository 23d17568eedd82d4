#!/bin/sh
# Generates shell completions and the man page into completions/ and
# manpages/ for release archives and packages (run by goreleaser's before
# hooks; also handy locally).
set -e
rm -rf completions manpages
mkdir -p completions manpages
for sh in bash zsh fish; do
	go run . completion "$sh" >"completions/fbllm.$sh"
done
go run . man | gzip -c -9 >manpages/fbllm.1.gz
