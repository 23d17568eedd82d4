// Package toolenv builds what `fbllm exec` hands to another program: the
// environment variables that carry a stored configuration's credentials
// under the names the provider SDKs read (assets/exec_env.json), a dry-run
// description that names each variable with a fingerprint instead of its
// value, and the --mask writer that redacts the secrets from the program's
// output.
//
// Nothing here runs a process or reads the keyring: the CLI resolves the
// configurations, unlocks the store, and then asks Build for a Plan. No
// String, error or description of this package ever contains a secret.
package toolenv
