// Package providertest runs simulated AI providers and real network faults
// on the loopback interface, so probes and diagnoses are tested end to end
// without leaving the machine.
//
//   - Provider: one server per AI type (OpenAI, Anthropic, Gemini, Bedrock
//     and OpenAI-compatible flavours) that checks the credential the way the
//     real provider does and answers with the real schema or the captured
//     failure body. Scenarios switch it to quota, rate-limit, region-block,
//     public-models and no-auth behaviour; fbllm demo uses it too.
//   - FixtureServer replays every captured body of testdata/fixtures with
//     the status and headers listed in its README.
//   - Faults are real: an unresolvable .invalid host, a closed port, a
//     listener that never answers, untrusted, misnamed and expired
//     certificates, http/https mix-ups, a proxy that answers 407, an HTML
//     page and a redirect.
//   - ConnectProxy is an HTTPS proxy that terminates TLS with a test CA, so
//     the default provider hosts (api.openai.com, …) reach local fakes while
//     the probe believes it talks to the real host.
//
// Everything listens on 127.0.0.1 and stops when closed. Certificates are
// generated at run time; nothing here is a real credential.
package providertest
