// Package diagnose tests an AI LLM configuration from this machine and
// explains what failed, layer by layer, as the report of PRODUCT §5.
//
// Run does the whole thing for one configuration: pre-flight checks on
// the pasted values (forms), one cheap authenticated probe (client), and
// the classification of provider-probes §1.5 — transport error, redirect,
// "is this even the provider?", the provider's error envelope, the success
// schema. Classify is that last step on its own; it is pure and fuzzed.
// RunAll runs many configurations with bounded parallelism.
//
// The Flashback helpers (ValidationPart, PolicyPart, VisibilityPart,
// FlashbackPart, KeyringPart) turn what the platform and the keyring say
// into checks and diagnoses from their own small input types, so this
// package does not depend on the Flashback client; Merge adds them to the
// direct probe's report (SkippedProbe stands in when there is no secret on
// this machine).
//
// Titles, explanations and steps are data in assets/diagnoses.json; this
// package only chooses a code, a variant and the values of placeholders.
// Every string of a report passes through redact before it leaves: the
// secret, the key, any 12-character piece of them and secret-shaped tokens
// never appear, whatever a server echoes.
package diagnose
