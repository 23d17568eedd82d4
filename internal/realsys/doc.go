// Package realsys holds the real-systems suite: the built fbllm binary
// against Debian's squid and nginx started on 127.0.0.1 with throw-away
// configurations, so the diagnoses are checked against the proxies and
// gateways users really meet, not only against simulations. The package
// has no code of its own; see realsys_test.go.
package realsys
