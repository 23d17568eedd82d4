package flashbacktest

import (
	"crypto/sha1"
	"encoding/hex"
	"time"
)

// The demo account. DemoEmail is ADMIN in Production and READ in Research.
const (
	DemoEmail    = "dana@northwind.example"
	DemoPassword = "demo-password-1"
	// DemoRevokedSecret is the secret of "Legacy OpenAI key", the demo
	// configuration whose credentials fail validation; DemoValidator and
	// a simulated provider should both reject it.
	DemoRevokedSecret = "sk-proj-DEMOrevokedoHBvRPOIvGrv5iFlbCBFNOgmBjMt"
)

// stableID derives a UUID-shaped id from a name, so that demo ids are the
// same on every run (golden files, tapes).
func stableID(kind, name string) string {
	sum := sha1.Sum([]byte("fbllm-demo/" + kind + "/" + name))
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// DemoValidator validates the demo without any network: every
// configuration passes except the one with DemoRevokedSecret, which fails
// with "401 Unauthorized".
func DemoValidator() Validator { return SecretValidator(DemoRevokedSecret) }

// Demo returns a realistic organisation, with times relative to now:
//
//   - Northwind Labs, with workspaces Production and Research;
//   - the demo user (DemoEmail, DemoPassword): ADMIN in Production, READ in
//     Research; two colleagues;
//   - eight configurations covering every AI type, one of them (Legacy
//     OpenAI key) with credentials that fail validation, two attached to
//     repositories (so deleting them is refused);
//   - a blocking organisation policy, a workspace and a repository policy,
//     and recent violations, some of them blocks;
//   - usage counters.
//
// The endpoints are the providers' real base URLs. Before validating, point
// them at simulated providers with SetEndpoints, or give the Server
// DemoValidator — DefaultValidator would call the real providers with the
// demo's fake secrets.
func Demo(now time.Time) Seed {
	org := Org{ID: stableID("org", "Northwind Labs"), Name: "Northwind Labs"}
	dana := User{ID: stableID("user", "dana"), Email: DemoEmail, Password: DemoPassword,
		Name: "Dana", LastName: "Reyes", OrgID: org.ID, OrgRole: 0x02}
	sam := User{ID: stableID("user", "sam"), Email: "sam@northwind.example", Password: "sam-password-1",
		Name: "Sam", LastName: "Okafor", OrgID: org.ID, OrgRole: 0xfe}
	lee := User{ID: stableID("user", "lee"), Email: "lee@northwind.example", Password: "lee-password-1",
		Name: "Lee", LastName: "Tanaka", OrgID: org.ID}
	prod := Workspace{ID: stableID("ws", "Production"), Name: "Production", OrgID: org.ID, Members: []Member{
		{UserID: dana.ID, Role: RoleAdmin}, {UserID: sam.ID, Role: RoleAdmin}, {UserID: lee.ID, Role: RoleRead},
	}}
	research := Workspace{ID: stableID("ws", "Research"), Name: "Research", OrgID: org.ID, Members: []Member{
		{UserID: dana.ID, Role: RoleRead}, {UserID: sam.ID, Role: RoleAdmin}, {UserID: lee.ID, Role: RoleWrite},
	}}

	ago := func(d time.Duration) time.Time { return now.Add(-d).UTC().Truncate(time.Second) }
	day := 24 * time.Hour
	llm := func(ws Workspace, by User, name, typ, endpoint, key, secret string, age time.Duration, ok bool) LLM {
		return LLM{ID: stableID("llm", ws.Name+"/"+name), WorkspaceID: ws.ID, OrgID: org.ID, UserID: by.ID,
			Name: name, AIType: typ, Endpoint: endpoint, Key: key, Secret: secret, CreatedAt: ago(age), Validated: ok}
	}
	gpt := llm(prod, dana, "OpenAI GPT-4o", "OPENAI", "https://api.openai.com/v1", "",
		"sk-proj-DEMOgpt4opsiaOclRz3AwzKsbVRJN9wVGFYGW2WmQz", 92*day, true)
	claude := llm(prod, sam, "Claude support", "ANTHROPIC", "https://api.anthropic.com/v1", "",
		"sk-ant-api03-DEMOclaudeCudiH7YFjS1on43XkMtECqOxSF2O3", 60*day, true)
	gemini := llm(prod, dana, "Gemini Flash", "GOOGLE", "https://generativelanguage.googleapis.com/v1beta", "",
		"AIzaDEMOgeminiGYRdo1XKXWNqRs7rpEmoKiuP", 41*day, true)
	bedrock := llm(prod, sam, "Bedrock us-east-1", "AWS", "https://bedrock-runtime.us-east-1.amazonaws.com",
		"AKIADEMO7EXAMPLE2Q4Z", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYDEMOKEY0000", 33*day, true)
	legacy := llm(prod, dana, "Legacy OpenAI key", "OPENAI", "https://api.openai.com/v1", "",
		DemoRevokedSecret, 400*day, false)
	vllm := llm(research, sam, "Local vLLM", "OTHER", "http://10.20.4.12:8000/v1", "",
		"vllm-DEMO-token-KdYR7osjOrU1", 20*day, true)
	openrouter := llm(research, sam, "OpenRouter mix", "OTHER", "https://openrouter.ai/api/v1", "",
		"sk-or-v1-xxDO0CzUZREN68k4tUNpfZ46pdJQIPvjiQvlb5lZXOIgfFwD3HJoKyrbmEYYmdhQ", 12*day, true)
	claudeR := llm(research, lee, "Claude research", "ANTHROPIC", "https://api.anthropic.com/v1", "",
		"sk-ant-api03-DEMOresearchj38AruHr4iwRxpVHSbKdA9u4uQ", 5*day, false)

	support := Repo{ID: stableID("repo", "support-bot"), Name: "support-bot", WorkspaceID: prod.ID,
		LLMIDs: []string{gpt.ID, claude.ID}, CreatedAt: ago(90 * day)}
	docs := Repo{ID: stableID("repo", "docs-search"), Name: "docs-search", WorkspaceID: prod.ID,
		LLMIDs: []string{gpt.ID}, CreatedAt: ago(70 * day)}
	lab := Repo{ID: stableID("repo", "eval-lab"), Name: "eval-lab", WorkspaceID: research.ID, CreatedAt: ago(30 * day)}

	pii := Policy{ID: stableID("policy", "pii"), OrgID: org.ID, Name: "No customer PII to external models",
		Content: "Block any request that contains customer names together with email addresses, phone numbers or payment card numbers.",
		Risk:    "HIGH", Action: 2, CreatedBy: sam.ID, CreatedAt: ago(120 * day)}
	code := Policy{ID: stableID("policy", "code"), OrgID: org.ID, WorkspaceID: prod.ID, Name: "Flag source code leaving the company",
		Content: "Alert when a prompt contains more than 50 lines of source code from internal repositories.",
		Risk:    "MEDIUM", Action: 1, CreatedBy: dana.ID, CreatedAt: ago(80 * day)}
	medical := Policy{ID: stableID("policy", "medical"), OrgID: org.ID, WorkspaceID: prod.ID, RepoID: support.ID,
		Name: "Log medical questions", Content: "Log conversations in which a customer asks for medical advice.",
		Risk: "LOW", Action: 0, CreatedBy: dana.ID, CreatedAt: ago(50 * day)}

	var violations []Violation
	add := func(p Policy, age time.Duration, sev string, block bool, model, expl string) {
		violations = append(violations, Violation{
			ID: stableID("violation", p.Name+"/"+age.String()), PolicyID: p.ID, WorkspaceID: prod.ID,
			RepoID: support.ID, UserID: lee.ID, LLMID: gpt.ID, At: ago(age), Severity: sev, Block: block,
			Explanation: expl, LLMType: "OPENAI", LLMModel: model, Host: "openai-us-east-1-aws.flashback.tech",
		})
	}
	add(pii, 25*time.Minute, "HIGH", true, "gpt-4o", "The prompt contained a customer's name, email address and card number.")
	add(pii, 3*time.Hour, "HIGH", true, "gpt-4o", "The prompt contained a customer's full name and phone number.")
	add(code, 5*time.Hour, "MEDIUM", false, "gpt-4o-mini", "The prompt contained 212 lines of Go from an internal repository.")
	add(pii, 9*time.Hour, "HIGH", true, "gpt-4o", "The prompt contained a list of customer email addresses.")
	add(medical, 20*time.Hour, "LOW", false, "gpt-4o-mini", "A customer asked which dose of ibuprofen to take.")
	add(pii, 30*time.Hour, "HIGH", true, "gpt-4o", "The prompt contained a customer's home address and name.")
	add(code, 40*time.Hour, "MEDIUM", false, "gpt-4o", "The prompt contained 64 lines of Python from an internal repository.")

	return Seed{
		Orgs:       []Org{org},
		Users:      []User{dana, sam, lee},
		Workspaces: []Workspace{prod, research},
		LLMs:       []LLM{gpt, claude, gemini, bedrock, legacy, vllm, openrouter, claudeR},
		Repos:      []Repo{support, docs, lab},
		Policies:   []Policy{pii, code, medical},
		Violations: violations,
		Stats: []Stats{
			{LLMID: gpt.ID, APICalls: 184_220, TokensIn: 51_304_118, TokensOut: 12_877_040,
				LLMTokensIn: 52_011_870, LLMTokensOut: 12_877_040, PolicyViolations: 7, Alerts: 2, Blocks: 4},
			{LLMID: claude.ID, APICalls: 40_112, TokensIn: 9_804_331, TokensOut: 2_100_554,
				LLMTokensIn: 9_950_002, LLMTokensOut: 2_100_554},
			{LLMID: gemini.ID, APICalls: 2_310, TokensIn: 401_220, TokensOut: 98_100,
				LLMTokensIn: 401_220, LLMTokensOut: 98_100},
			{LLMID: bedrock.ID, APICalls: 12, TokensIn: 3_400, TokensOut: 900, LLMTokensIn: 3_400, LLMTokensOut: 900},
			{LLMID: vllm.ID, APICalls: 9_875, TokensIn: 2_004_113, TokensOut: 700_002,
				LLMTokensIn: 2_004_113, LLMTokensOut: 700_002},
		},
	}
}

// SetEndpoints replaces the endpoint of every configuration in the seed
// with fn's answer (the demo points them at simulated providers).
func (sd *Seed) SetEndpoints(fn func(l LLM) string) {
	for i := range sd.LLMs {
		sd.LLMs[i].Endpoint = fn(sd.LLMs[i])
	}
}
