package input

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fbllm/fbllm/assets"
)

func rw(from, to, reason string) Rewrite { return Rewrite{From: from, To: to, Reason: reason} }

const (
	openAIBase    = "https://api.openai.com/v1"
	anthropicBase = "https://api.anthropic.com"
	geminiBase    = "https://generativelanguage.googleapis.com/v1beta"
	bedrockBase   = "https://bedrock-runtime.us-east-1.amazonaws.com"
	// geminiKey is a fake key that a test must never see in a text.
	geminiKey = "AIzaFAKEfakeFAKEfakeFAKEfakeFAKEfake123"
)

func TestNormalizeEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		typ  assets.AIType
		in   string
		want Endpoint
	}{
		// OPENAI (§2.1, §2.2)
		{name: "openai canonical", typ: assets.OpenAI, in: openAIBase, want: Endpoint{URL: openAIBase}},
		{name: "openai bare host", typ: assets.OpenAI, in: "api.openai.com", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("api.openai.com", "https://api.openai.com", "added https://"),
			rw("https://api.openai.com", openAIBase, "added the /v1 version segment"),
		}}},
		{name: "openai trailing slash then /v1", typ: assets.OpenAI, in: "https://api.openai.com/", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("https://api.openai.com/", "https://api.openai.com", "removed a trailing slash"),
			rw("https://api.openai.com", openAIBase, "added the /v1 version segment"),
		}}},
		{name: "openai pasted chat completions", typ: assets.OpenAI, in: "https://api.openai.com/v1/chat/completions", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("https://api.openai.com/v1/chat/completions", openAIBase, "removed the pasted /chat/completions"),
		}}},
		{name: "openai doubled operation", typ: assets.OpenAI, in: "https://api.openai.com/v1/chat/completions/chat/completions", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("https://api.openai.com/v1/chat/completions/chat/completions", "https://api.openai.com/v1/chat/completions", "removed the pasted /chat/completions"),
			rw("https://api.openai.com/v1/chat/completions", openAIBase, "removed the pasted /chat/completions"),
		}}},
		{name: "openai operation without /v1", typ: assets.OpenAI, in: "https://api.openai.com/chat/completions", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("https://api.openai.com/chat/completions", "https://api.openai.com", "removed the pasted /chat/completions"),
			rw("https://api.openai.com", openAIBase, "added the /v1 version segment"),
		}}},
		{name: "openai model URL", typ: assets.OpenAI, in: "https://api.openai.com/v1/models/gpt-4o", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("https://api.openai.com/v1/models/gpt-4o", openAIBase, "removed the pasted /models/gpt-4o"),
		}}},
		{name: "openai responses", typ: assets.OpenAI, in: openAIBase + "/responses", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw(openAIBase+"/responses", openAIBase, "removed the pasted /responses"),
		}}},
		{name: "openai embeddings", typ: assets.OpenAI, in: openAIBase + "/embeddings", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw(openAIBase+"/embeddings", openAIBase, "removed the pasted /embeddings"),
		}}},
		{name: "openai legacy completions", typ: assets.OpenAI, in: openAIBase + "/completions", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw(openAIBase+"/completions", openAIBase, "removed the pasted /completions"),
		}}},
		{name: "openai upper case", typ: assets.OpenAI, in: "HTTPS://API.OpenAI.com/v1", want: Endpoint{URL: openAIBase, Rewrites: []Rewrite{
			rw("HTTPS://API.OpenAI.com/v1", "https://API.OpenAI.com/v1", "lower-cased the scheme"),
			rw("https://API.OpenAI.com/v1", openAIBase, "lower-cased the host name"),
		}}},
		{name: "openai regional host", typ: assets.OpenAI, in: "https://eu.api.openai.com/v1", want: Endpoint{URL: "https://eu.api.openai.com/v1"}},
		{name: "openai other path", typ: assets.OpenAI, in: "https://api.openai.com/v2", want: Endpoint{URL: "https://api.openai.com/v2", Warnings: []string{
			"api.openai.com serves the API under /v1, not /v2.",
		}}},
		{name: "openai other host keeps its path", typ: assets.OpenAI, in: "https://llm.example.com/openai", want: Endpoint{URL: "https://llm.example.com/openai", Warnings: []string{
			"llm.example.com isn't OpenAI's API host; for an OpenAI-compatible server choose type OTHER.",
		}}},
		{name: "openai other host never gets /v1", typ: assets.OpenAI, in: "https://llm.example.com", want: Endpoint{URL: "https://llm.example.com", Warnings: []string{
			"llm.example.com isn't OpenAI's API host; for an OpenAI-compatible server choose type OTHER.",
		}}},
		{name: "openai with the anthropic host", typ: assets.OpenAI, in: "https://api.anthropic.com/v1", want: Endpoint{URL: "https://api.anthropic.com/v1", Warnings: []string{
			"api.anthropic.com is Anthropic's API: choose type ANTHROPIC.",
		}}},
		{name: "openai with the gemini host", typ: assets.OpenAI, in: "https://generativelanguage.googleapis.com/v1beta/openai", want: Endpoint{URL: "https://generativelanguage.googleapis.com/v1beta/openai", Warnings: []string{
			"generativelanguage.googleapis.com is the Gemini API: choose type GOOGLE (or OTHER with …/v1beta/openai).",
		}}},
		{name: "openai with an azure URL", typ: assets.OpenAI, in: "https://myres.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21", want: Endpoint{
			URL: "https://myres.openai.azure.com/openai?api-version=2024-10-21",
			Rewrites: []Rewrite{rw("https://myres.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
				"https://myres.openai.azure.com/openai?api-version=2024-10-21", "removed the pasted /deployments/gpt4o/chat/completions")},
			Warnings: []string{
				`The Azure deployment "gpt4o" isn't part of the endpoint; use it as the model name.`,
				"Azure OpenAI needs its api-key header: choose type OTHER, which fbllm handles for Azure hosts.",
			},
		}},
		{name: "openai with a bedrock host", typ: assets.OpenAI, in: bedrockBase, want: Endpoint{URL: bedrockBase, Warnings: []string{
			"bedrock-runtime.us-east-1.amazonaws.com is an AWS endpoint: choose type AWS.",
		}}},
		{name: "openai with a groq host", typ: assets.OpenAI, in: "https://api.groq.com/openai/v1", want: Endpoint{URL: "https://api.groq.com/openai/v1", Warnings: []string{
			"api.groq.com is Groq's API, which is OpenAI-compatible: choose type OTHER.",
		}}},
		{name: "openai with a local server", typ: assets.OpenAI, in: "http://localhost:11434/v1", want: Endpoint{URL: "http://localhost:11434/v1", Warnings: []string{
			"http:// is only allowed because localhost is this machine.",
			"localhost:11434 looks like a local server (Ollama, vLLM, LM Studio, LiteLLM); those usually belong under type OTHER.",
		}}},
		{name: "openai with a vLLM port", typ: assets.OpenAI, in: "https://gpu.example.com:8000/v1", want: Endpoint{URL: "https://gpu.example.com:8000/v1", Warnings: []string{
			"gpu.example.com:8000 looks like a local server (Ollama, vLLM, LM Studio, LiteLLM); those usually belong under type OTHER.",
		}}},

		// ANTHROPIC (§3.1, §3.2)
		{name: "anthropic canonical", typ: assets.Anthropic, in: anthropicBase, want: Endpoint{URL: anthropicBase}},
		{name: "anthropic trailing /v1", typ: assets.Anthropic, in: "https://api.anthropic.com/v1", want: Endpoint{URL: anthropicBase, Rewrites: []Rewrite{
			rw("https://api.anthropic.com/v1", anthropicBase, "removed /v1: fbllm adds /v1/models itself"),
		}}},
		{name: "anthropic /v1/ with slash", typ: assets.Anthropic, in: "https://api.anthropic.com/v1/", want: Endpoint{URL: anthropicBase, Rewrites: []Rewrite{
			rw("https://api.anthropic.com/v1/", "https://api.anthropic.com/v1", "removed a trailing slash"),
			rw("https://api.anthropic.com/v1", anthropicBase, "removed /v1: fbllm adds /v1/models itself"),
		}}},
		{name: "anthropic pasted messages", typ: assets.Anthropic, in: "https://api.anthropic.com/v1/messages", want: Endpoint{URL: anthropicBase, Rewrites: []Rewrite{
			rw("https://api.anthropic.com/v1/messages", anthropicBase, "removed the pasted /v1/messages"),
		}}},
		{name: "anthropic pasted messages without /v1", typ: assets.Anthropic, in: "https://api.anthropic.com/messages", want: Endpoint{URL: anthropicBase, Rewrites: []Rewrite{
			rw("https://api.anthropic.com/messages", anthropicBase, "removed the pasted /messages"),
		}}},
		{name: "anthropic pasted models list", typ: assets.Anthropic, in: "https://api.anthropic.com/v1/models?limit=1", want: Endpoint{URL: anthropicBase, Rewrites: []Rewrite{
			rw("https://api.anthropic.com/v1/models?limit=…", "https://api.anthropic.com/v1/models", "removed the query string"),
			rw("https://api.anthropic.com/v1/models", anthropicBase, "removed the pasted /v1/models"),
		}}},
		{name: "anthropic gateway keeps its path", typ: assets.Anthropic, in: "https://api.minimax.io/anthropic/v1", want: Endpoint{URL: "https://api.minimax.io/anthropic", Rewrites: []Rewrite{
			rw("https://api.minimax.io/anthropic/v1", "https://api.minimax.io/anthropic", "removed /v1: fbllm adds /v1/models itself"),
		}}},
		{name: "anthropic other path on its host", typ: assets.Anthropic, in: "https://api.anthropic.com/api", want: Endpoint{URL: "https://api.anthropic.com/api", Warnings: []string{
			"api.anthropic.com serves the API at the root (fbllm adds /v1); /api may not work.",
		}}},
		{name: "anthropic with the openai host", typ: assets.Anthropic, in: "https://api.openai.com", want: Endpoint{URL: "https://api.openai.com", Warnings: []string{
			"api.openai.com is OpenAI's API: choose type OPENAI.",
		}}},
		{name: "anthropic with bedrock", typ: assets.Anthropic, in: bedrockBase, want: Endpoint{URL: bedrockBase, Warnings: []string{
			"bedrock-runtime.us-east-1.amazonaws.com is an AWS endpoint: choose type AWS.",
		}}},
		{name: "anthropic with vertex", typ: assets.Anthropic, in: "https://us-east5-aiplatform.googleapis.com", want: Endpoint{URL: "https://us-east5-aiplatform.googleapis.com", Warnings: []string{
			"Vertex AI doesn't accept API keys; for a Gemini API key use https://generativelanguage.googleapis.com/v1beta with type GOOGLE.",
		}}},

		// GOOGLE (§4.1, §4.2)
		{name: "google canonical", typ: assets.Google, in: geminiBase, want: Endpoint{URL: geminiBase}},
		{name: "google v1 kept", typ: assets.Google, in: "https://generativelanguage.googleapis.com/v1", want: Endpoint{URL: "https://generativelanguage.googleapis.com/v1"}},
		{name: "google bare host", typ: assets.Google, in: "generativelanguage.googleapis.com", want: Endpoint{URL: geminiBase, Rewrites: []Rewrite{
			rw("generativelanguage.googleapis.com", "https://generativelanguage.googleapis.com", "added https://"),
			rw("https://generativelanguage.googleapis.com", geminiBase, "added the /v1beta version segment"),
		}}},
		{name: "google doubled slash", typ: assets.Google, in: "https://generativelanguage.googleapis.com/v1beta//models", want: Endpoint{URL: geminiBase, Rewrites: []Rewrite{
			rw("https://generativelanguage.googleapis.com/v1beta//models", "https://generativelanguage.googleapis.com/v1beta/models", "collapsed repeated slashes"),
			rw("https://generativelanguage.googleapis.com/v1beta/models", geminiBase, "removed the pasted /models"),
		}}},
		{name: "google generateContent with ?key=", typ: assets.Google,
			in: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=" + geminiKey,
			want: Endpoint{URL: geminiBase, ExtractedKey: geminiKey,
				Rewrites: []Rewrite{
					rw("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=…",
						"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", "moved the ?key= parameter out of the URL"),
					rw("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent", geminiBase, "removed the pasted /models/gemini-2.0-flash:generateContent"),
				},
				Warnings: []string{"The endpoint carried an API key (?key=); fbllm sends keys in a header, never in the URL."},
			}},
		{name: "google streamGenerateContent with alt and key", typ: assets.Google,
			in: "https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:streamGenerateContent?alt=sse&key=" + geminiKey,
			want: Endpoint{URL: geminiBase, ExtractedKey: geminiKey,
				Rewrites: []Rewrite{
					rw("https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:streamGenerateContent?alt=…&key=…",
						"https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:streamGenerateContent?alt=…", "moved the ?key= parameter out of the URL"),
					rw("https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:streamGenerateContent?alt=…",
						"https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:streamGenerateContent", "removed the query string"),
					rw("https://generativelanguage.googleapis.com/v1beta/models/gemini-pro:streamGenerateContent", geminiBase, "removed the pasted /models/gemini-pro:streamGenerateContent"),
				},
				Warnings: []string{"The endpoint carried an API key (?key=); fbllm sends keys in a header, never in the URL."},
			}},
		{name: "google openai-compatible surface is stripped", typ: assets.Google, in: "https://generativelanguage.googleapis.com/v1beta/openai/", want: Endpoint{URL: geminiBase,
			Rewrites: []Rewrite{
				rw("https://generativelanguage.googleapis.com/v1beta/openai/", "https://generativelanguage.googleapis.com/v1beta/openai", "removed a trailing slash"),
				rw("https://generativelanguage.googleapis.com/v1beta/openai", geminiBase, "removed /openai: type GOOGLE uses the native Gemini API"),
			},
			Warnings: []string{"…/openai is Gemini's OpenAI-compatible surface; to use it as is, choose type OTHER."},
		}},
		{name: "google openai-compatible chat URL", typ: assets.Google, in: "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", want: Endpoint{URL: geminiBase,
			Rewrites: []Rewrite{
				rw("https://generativelanguage.googleapis.com/v1beta/openai/chat/completions", "https://generativelanguage.googleapis.com/v1beta/openai", "removed the pasted /chat/completions"),
				rw("https://generativelanguage.googleapis.com/v1beta/openai", geminiBase, "removed /openai: type GOOGLE uses the native Gemini API"),
			},
			Warnings: []string{"…/openai is Gemini's OpenAI-compatible surface; to use it as is, choose type OTHER."},
		}},
		{name: "google other version", typ: assets.Google, in: "https://generativelanguage.googleapis.com/v2", want: Endpoint{URL: "https://generativelanguage.googleapis.com/v2", Warnings: []string{
			"generativelanguage.googleapis.com serves the API under /v1beta or /v1, not /v2.",
		}}},
		{name: "google vertex host", typ: assets.Google, in: "https://us-central1-aiplatform.googleapis.com/v1/projects/p", want: Endpoint{URL: "https://us-central1-aiplatform.googleapis.com/v1/projects/p", Warnings: []string{
			"Vertex AI doesn't accept API keys; for a Gemini API key use https://generativelanguage.googleapis.com/v1beta with type GOOGLE.",
		}}},
		{name: "google global vertex host", typ: assets.Google, in: "https://aiplatform.googleapis.com", want: Endpoint{URL: "https://aiplatform.googleapis.com", Warnings: []string{
			"Vertex AI doesn't accept API keys; for a Gemini API key use https://generativelanguage.googleapis.com/v1beta with type GOOGLE.",
		}}},
		{name: "google with the openai host", typ: assets.Google, in: openAIBase, want: Endpoint{URL: openAIBase, Warnings: []string{
			"api.openai.com is OpenAI's API: choose type OPENAI.",
		}}},
		{name: "google proxy untouched", typ: assets.Google, in: "https://gateway.ai.cloudflare.com/v1/acct/gw/google-ai-studio", want: Endpoint{URL: "https://gateway.ai.cloudflare.com/v1/acct/gw/google-ai-studio"}},

		// AWS (§5.2)
		{name: "aws canonical", typ: assets.AWS, in: bedrockBase, want: Endpoint{URL: bedrockBase, Region: "us-east-1"}},
		{name: "aws pasted converse", typ: assets.AWS, in: "https://bedrock-runtime.eu-west-3.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse", want: Endpoint{
			URL: "https://bedrock-runtime.eu-west-3.amazonaws.com", Region: "eu-west-3",
			Rewrites: []Rewrite{rw("https://bedrock-runtime.eu-west-3.amazonaws.com/model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse",
				"https://bedrock-runtime.eu-west-3.amazonaws.com", "removed the pasted /model/anthropic.claude-3-5-sonnet-20240620-v1:0/converse")},
		}},
		{name: "aws pasted invoke with an escaped ARN", typ: assets.AWS, in: bedrockBase + "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.m/invoke-with-response-stream", want: Endpoint{
			URL: bedrockBase, Region: "us-east-1",
			Rewrites: []Rewrite{rw(bedrockBase+"/model/arn:aws:bedrock:us-east-1:1:inference-profile/us.m/invoke-with-response-stream",
				bedrockBase, "removed the pasted /model/arn:aws:bedrock:us-east-1:1:inference-profile/us.m/invoke-with-response-stream")},
		}},
		{name: "aws control plane", typ: assets.AWS, in: "https://bedrock.eu-central-1.amazonaws.com/foundation-models", want: Endpoint{
			URL: "https://bedrock.eu-central-1.amazonaws.com", Region: "eu-central-1",
			Rewrites: []Rewrite{rw("https://bedrock.eu-central-1.amazonaws.com/foundation-models", "https://bedrock.eu-central-1.amazonaws.com", "removed the pasted /foundation-models")},
		}},
		{name: "aws fips govcloud", typ: assets.AWS, in: "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com", want: Endpoint{URL: "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com", Region: "us-gov-west-1"}},
		{name: "aws china partition", typ: assets.AWS, in: "bedrock-runtime.cn-northwest-1.amazonaws.com.cn", want: Endpoint{
			URL: "https://bedrock-runtime.cn-northwest-1.amazonaws.com.cn", Region: "cn-northwest-1",
			Rewrites: []Rewrite{rw("bedrock-runtime.cn-northwest-1.amazonaws.com.cn", "https://bedrock-runtime.cn-northwest-1.amazonaws.com.cn", "added https://")},
		}},
		{name: "aws vpc endpoint", typ: assets.AWS, in: "https://vpce-0abc123-xyz.bedrock-runtime.ap-southeast-2.vpce.amazonaws.com", want: Endpoint{
			URL: "https://vpce-0abc123-xyz.bedrock-runtime.ap-southeast-2.vpce.amazonaws.com", Region: "ap-southeast-2",
		}},
		{name: "aws openai-compatible path", typ: assets.AWS, in: "https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1", want: Endpoint{
			URL: "https://bedrock-runtime.us-west-2.amazonaws.com", Region: "us-west-2",
			Rewrites: []Rewrite{rw("https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1", "https://bedrock-runtime.us-west-2.amazonaws.com", "removed /openai/v1: Bedrock endpoints have no path")},
		}},
		{name: "aws upper case", typ: assets.AWS, in: "https://Bedrock-Runtime.US-EAST-1.amazonaws.com/", want: Endpoint{
			URL: bedrockBase, Region: "us-east-1",
			Rewrites: []Rewrite{
				rw("https://Bedrock-Runtime.US-EAST-1.amazonaws.com/", "https://bedrock-runtime.us-east-1.amazonaws.com/", "lower-cased the host name"),
				rw("https://bedrock-runtime.us-east-1.amazonaws.com/", bedrockBase, "removed a trailing slash"),
			},
		}},
		{name: "aws non-bedrock amazonaws host", typ: assets.AWS, in: "https://sts.amazonaws.com", want: Endpoint{URL: "https://sts.amazonaws.com", Warnings: []string{
			"sts.amazonaws.com isn't a Bedrock endpoint; use https://bedrock-runtime.REGION.amazonaws.com.",
		}}},
		{name: "aws gateway", typ: assets.AWS, in: "https://litellm.example.com/bedrock", want: Endpoint{URL: "https://litellm.example.com/bedrock", Warnings: []string{
			"Bedrock endpoints are *.amazonaws.com; for a gateway in front of Bedrock choose type OTHER.",
		}}},
		{name: "aws with the openai host", typ: assets.AWS, in: openAIBase, want: Endpoint{URL: openAIBase, Warnings: []string{
			"api.openai.com is OpenAI's API: choose type OPENAI.",
		}}},

		// OTHER (§6)
		{name: "other ollama", typ: assets.Other, in: "http://localhost:11434/v1", want: Endpoint{URL: "http://localhost:11434/v1", Warnings: []string{
			"http:// is only allowed because localhost is this machine.",
		}}},
		{name: "other never adds /v1", typ: assets.Other, in: "localhost:11434", want: Endpoint{URL: "http://localhost:11434",
			Rewrites: []Rewrite{rw("localhost:11434", "http://localhost:11434", "assumed http:// for a local address")},
			Warnings: []string{"http:// is only allowed because localhost is this machine."},
		}},
		{name: "other compose service", typ: assets.Other, in: "ollama:11434//v1//models/", want: Endpoint{URL: "http://ollama:11434/v1",
			Rewrites: []Rewrite{
				rw("ollama:11434//v1//models/", "http://ollama:11434//v1//models/", "assumed http:// for a local address"),
				rw("http://ollama:11434//v1//models/", "http://ollama:11434/v1/models/", "collapsed repeated slashes"),
				rw("http://ollama:11434/v1/models/", "http://ollama:11434/v1/models", "removed a trailing slash"),
				rw("http://ollama:11434/v1/models", "http://ollama:11434/v1", "removed the pasted /models"),
			},
			Warnings: []string{"http:// is only allowed because ollama is a local network name."},
		}},
		{name: "other private IPv4", typ: assets.Other, in: "http://10.0.0.5:8000/v1", want: Endpoint{URL: "http://10.0.0.5:8000/v1", Warnings: []string{
			"http:// is only allowed because 10.0.0.5 is a private address.",
		}}},
		{name: "other ULA IPv6", typ: assets.Other, in: "http://[fd00::1]:8000/v1", want: Endpoint{URL: "http://[fd00::1]:8000/v1", Warnings: []string{
			"http:// is only allowed because fd00::1 is a private address.",
		}}},
		{name: "other IPv6 loopback without scheme", typ: assets.Other, in: "[::1]:11434/v1", want: Endpoint{URL: "http://[::1]:11434/v1",
			Rewrites: []Rewrite{rw("[::1]:11434/v1", "http://[::1]:11434/v1", "assumed http:// for a local address")},
			Warnings: []string{"http:// is only allowed because ::1 is a loopback address."},
		}},
		{name: "other link-local", typ: assets.Other, in: "http://169.254.10.1/v1", want: Endpoint{URL: "http://169.254.10.1/v1", Warnings: []string{
			"http:// is only allowed because 169.254.10.1 is a link-local address.",
		}}},
		{name: "other mDNS name", typ: assets.Other, in: "http://gpu.local:8000/v1", want: Endpoint{URL: "http://gpu.local:8000/v1", Warnings: []string{
			"http:// is only allowed because gpu.local is a local network (.local) name.",
		}}},
		{name: "other listen address", typ: assets.Other, in: "http://0.0.0.0:8000/v1", want: Endpoint{URL: "http://0.0.0.0:8000/v1", Warnings: []string{
			"http:// is only allowed because 0.0.0.0 is the unspecified address (this machine).",
		}}},
		{name: "other local https has no warning", typ: assets.Other, in: "https://127.0.0.1:4000", want: Endpoint{URL: "https://127.0.0.1:4000"}},
		{name: "other public host gets https", typ: assets.Other, in: "llm.example.com/v1", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("llm.example.com/v1", "https://llm.example.com/v1", "added https://")},
		}},
		{name: "other scheme-relative", typ: assets.Other, in: "//llm.example.com/v1", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("//llm.example.com/v1", "https://llm.example.com/v1", "added https://")},
		}},
		{name: "other keeps the version as given", typ: assets.Other, in: "https://open.bigmodel.cn/api/paas/v4/chat/completions", want: Endpoint{URL: "https://open.bigmodel.cn/api/paas/v4",
			Rewrites: []Rewrite{rw("https://open.bigmodel.cn/api/paas/v4/chat/completions", "https://open.bigmodel.cn/api/paas/v4", "removed the pasted /chat/completions")},
		}},
		{name: "other anthropic-style messages", typ: assets.Other, in: "https://gateway.example.com/v1/messages", want: Endpoint{URL: "https://gateway.example.com/v1",
			Rewrites: []Rewrite{rw("https://gateway.example.com/v1/messages", "https://gateway.example.com/v1", "removed the pasted /messages")},
		}},
		{name: "other openrouter", typ: assets.Other, in: "https://openrouter.ai/api/v1/chat/completions", want: Endpoint{URL: "https://openrouter.ai/api/v1",
			Rewrites: []Rewrite{rw("https://openrouter.ai/api/v1/chat/completions", "https://openrouter.ai/api/v1", "removed the pasted /chat/completions")},
		}},
		{name: "other openrouter wrong base", typ: assets.Other, in: "https://openrouter.ai", want: Endpoint{URL: "https://openrouter.ai", Warnings: []string{
			"OpenRouter's API base is https://openrouter.ai/api/v1.",
		}}},
		{name: "other azure deployment URL", typ: assets.Other, in: "https://myres.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21", want: Endpoint{
			URL: "https://myres.openai.azure.com/openai?api-version=2024-10-21",
			Rewrites: []Rewrite{rw("https://myres.openai.azure.com/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21",
				"https://myres.openai.azure.com/openai?api-version=2024-10-21", "removed the pasted /deployments/gpt-4o-prod/chat/completions")},
			Warnings: []string{`The Azure deployment "gpt-4o-prod" isn't part of the endpoint; use it as the model name.`},
		}},
		{name: "other azure deployment URL without api-version", typ: assets.Other, in: "https://myres.cognitiveservices.azure.com/openai/deployments/d1/embeddings", want: Endpoint{
			URL:      "https://myres.cognitiveservices.azure.com/openai",
			Rewrites: []Rewrite{rw("https://myres.cognitiveservices.azure.com/openai/deployments/d1/embeddings", "https://myres.cognitiveservices.azure.com/openai", "removed the pasted /deployments/d1/embeddings")},
			Warnings: []string{
				`The Azure deployment "d1" isn't part of the endpoint; use it as the model name.`,
				"Azure's /openai path needs ?api-version=…; or use /openai/v1, which needs none.",
			},
		}},
		{name: "other azure extra parameters", typ: assets.Other, in: "https://myres.services.ai.azure.com/openai?api-version=2024-10-21&foo=bar", want: Endpoint{
			URL: "https://myres.services.ai.azure.com/openai?api-version=2024-10-21",
			Rewrites: []Rewrite{rw("https://myres.services.ai.azure.com/openai?api-version=2024-10-21&foo=…",
				"https://myres.services.ai.azure.com/openai?api-version=2024-10-21", "removed query parameters other than api-version")},
		}},
		{name: "other azure v1", typ: assets.Other, in: "https://myres.openai.azure.com/openai/v1/chat/completions", want: Endpoint{
			URL:      "https://myres.openai.azure.com/openai/v1",
			Rewrites: []Rewrite{rw("https://myres.openai.azure.com/openai/v1/chat/completions", "https://myres.openai.azure.com/openai/v1", "removed the pasted /chat/completions")},
		}},
		{name: "other azure bare host", typ: assets.Other, in: "https://myres.openai.azure.com", want: Endpoint{URL: "https://myres.openai.azure.com", Warnings: []string{
			"Azure OpenAI's API lives under /openai/v1 (or /openai with ?api-version=…).",
		}}},
		{name: "other api-version dropped outside azure", typ: assets.Other, in: "https://llm.example.com/v1?api-version=2024-10-21", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("https://llm.example.com/v1?api-version=2024-10-21", "https://llm.example.com/v1", "removed the query string")},
		}},
		{name: "other gemini compat", typ: assets.Other, in: "https://generativelanguage.googleapis.com/v1beta/openai", want: Endpoint{URL: "https://generativelanguage.googleapis.com/v1beta/openai", Warnings: []string{
			"This is Gemini's OpenAI-compatible endpoint; type GOOGLE checks the key more precisely.",
		}}},
		{name: "other gemini native", typ: assets.Other, in: geminiBase, want: Endpoint{URL: geminiBase, Warnings: []string{
			"generativelanguage.googleapis.com is the Gemini API: choose type GOOGLE, or use …/v1beta/openai for its OpenAI-compatible surface.",
		}}},
		{name: "other openai", typ: assets.Other, in: openAIBase, want: Endpoint{URL: openAIBase, Warnings: []string{
			"api.openai.com is OpenAI's API; type OPENAI checks the key more precisely.",
		}}},
		{name: "other anthropic compat", typ: assets.Other, in: "https://api.anthropic.com/v1", want: Endpoint{URL: "https://api.anthropic.com/v1", Warnings: []string{
			"api.anthropic.com is Anthropic's API; type ANTHROPIC checks the key more precisely.",
		}}},
		{name: "other bedrock native host", typ: assets.Other, in: bedrockBase, want: Endpoint{URL: bedrockBase, Warnings: []string{
			"bedrock-runtime.us-east-1.amazonaws.com is Amazon Bedrock's native API: choose type AWS, or use …/openai/v1 for its OpenAI-compatible surface.",
		}}},
		{name: "other bedrock openai-compatible", typ: assets.Other, in: bedrockBase + "/openai/v1", want: Endpoint{URL: bedrockBase + "/openai/v1"}},

		// Shared clean-up (§1.3)
		{name: "quotes", typ: assets.Other, in: ` "https://llm.example.com/v1" `, want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw(`"https://llm.example.com/v1"`, "https://llm.example.com/v1", "removed surrounding quotes")},
		}},
		{name: "markdown angle brackets", typ: assets.Other, in: "<https://llm.example.com/v1>", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("<https://llm.example.com/v1>", "https://llm.example.com/v1", "removed surrounding angle brackets")},
		}},
		{name: "invisible edges", typ: assets.Other, in: "\ufeffhttps://llm.example.com/v1\u200b\n", want: Endpoint{URL: "https://llm.example.com/v1"}},
		{name: "empty port and upper case", typ: assets.Other, in: "https://LLM.example.com:/v1", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("https://LLM.example.com:/v1", "https://llm.example.com/v1", "lower-cased the host name and removed an empty port")},
		}},
		{name: "empty port", typ: assets.Other, in: "https://llm.example.com:/v1", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("https://llm.example.com:/v1", "https://llm.example.com/v1", "removed an empty port")},
		}},
		{name: "fragment", typ: assets.Other, in: "https://llm.example.com/v1#token=abc", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("https://llm.example.com/v1#…", "https://llm.example.com/v1", "removed the #fragment")},
		}},
		{name: "empty query", typ: assets.Other, in: "https://llm.example.com/v1?", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("https://llm.example.com/v1?", "https://llm.example.com/v1", "removed the query string")},
		}},
		{name: "bare query token is redacted", typ: assets.Other, in: "https://llm.example.com/v1?sk-abcdef", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{rw("https://llm.example.com/v1?…", "https://llm.example.com/v1", "removed the query string")},
		}},
		{name: "dot segments", typ: assets.Other, in: "https://llm.example.com/a/./b/../v1", want: Endpoint{URL: "https://llm.example.com/a/v1",
			Rewrites: []Rewrite{rw("https://llm.example.com/a/./b/../v1", "https://llm.example.com/a/v1", "resolved ./ and ../ in the path")},
		}},
		{name: "non-ASCII path before an azure deployment", typ: assets.Other, in: "https://r.openai.azure.com/\u212a/openai/deployments/d/chat/completions", want: Endpoint{
			URL:      "https://r.openai.azure.com/%E2%84%AA/openai",
			Rewrites: []Rewrite{rw("https://r.openai.azure.com/%E2%84%AA/openai/deployments/d/chat/completions", "https://r.openai.azure.com/%E2%84%AA/openai", "removed the pasted /deployments/d/chat/completions")},
			Warnings: []string{
				`The Azure deployment "d" isn't part of the endpoint; use it as the model name.`,
			},
		}},
		{name: "@ in the query is not user info", typ: assets.Other, in: "llm.example.com/v1?user=a@b", want: Endpoint{URL: "https://llm.example.com/v1",
			Rewrites: []Rewrite{
				rw("llm.example.com/v1?user=…", "https://llm.example.com/v1?user=…", "added https://"),
				rw("https://llm.example.com/v1?user=…", "https://llm.example.com/v1", "removed the query string"),
			},
		}},
		{name: "path case is kept", typ: assets.Other, in: "https://llm.example.com/V1", want: Endpoint{URL: "https://llm.example.com/V1"}},
		{name: "key parameter with other type", typ: assets.Other, in: "https://llm.example.com/v1?key=abc%2Fdef", want: Endpoint{URL: "https://llm.example.com/v1", ExtractedKey: "abc/def",
			Rewrites: []Rewrite{rw("https://llm.example.com/v1?key=…", "https://llm.example.com/v1", "moved the ?key= parameter out of the URL")},
			Warnings: []string{"The endpoint carried an API key (?key=); fbllm sends keys in a header, never in the URL."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeEndpoint(tt.typ, tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)

			again, err := NormalizeEndpoint(tt.typ, got.URL)
			require.NoError(t, err)
			require.Equal(t, got.URL, again.URL, "normalising is idempotent")
			require.Empty(t, again.Rewrites)
			require.Equal(t, got.Region, again.Region)
			require.Empty(t, again.ExtractedKey)
		})
	}
}

func TestNormalizeEndpointErrors(t *testing.T) {
	t.Parallel()
	const (
		mustStart = "the endpoint must start with https:// or http://"
		userinfo  = "the endpoint must not contain a user name or password (…@); put credentials in the key and secret fields"
		looksKey  = "this looks like an API key, not a URL; paste it into the secret field"
	)
	tests := []struct {
		name string
		typ  assets.AIType
		in   string
		code string
		msg  string
	}{
		{"empty", assets.OpenAI, "", CodeInvalidURL, "the endpoint is required"},
		{"whitespace", assets.OpenAI, " \n\t", CodeInvalidURL, "the endpoint is required"},
		{"empty quotes", assets.OpenAI, `""`, CodeInvalidURL, "the endpoint is required"},
		{"too long", assets.Other, "https://llm.example.com/" + strings.Repeat("v1/", 700), CodeInvalidURL, "the endpoint is longer than 2048 characters; paste only the base URL"},
		{"too long once percent-encoded", assets.Other, "https://llm.example.com/" + strings.Repeat("é", 400), CodeInvalidURL, "the endpoint is longer than 2048 characters; paste only the base URL"},
		{"invalid UTF-8", assets.Other, "https://llm.example.com/\xf6", CodeInvalidURL, "the endpoint has bytes that are not valid text (UTF-8); copy it again"},
		{"space inside", assets.OpenAI, "https://api.openai.com/v1 extra", CodeInvalidURL, "the endpoint has a space at character 26; paste only the URL"},
		{"newline inside", assets.Other, "https://a.example.com\nhttps://b.example.com", CodeInvalidURL, "the endpoint has a line break at character 22; paste only the URL"},
		{"zero-width inside", assets.Other, "https://a.exa\u200bmple.com", CodeInvalidURL, "the endpoint has an invisible character (U+200B) at character 14; paste only the URL"},
		{"ftp", assets.Other, "ftp://llm.example.com", CodeInvalidURL, mustStart},
		{"websocket", assets.Other, "wss://llm.example.com", CodeInvalidURL, mustStart},
		{"one slash", assets.Other, "http:/llm.example.com", CodeInvalidURL, mustStart},
		{"no colon", assets.Other, "https//llm.example.com", CodeInvalidURL, mustStart},
		{"mailto-like", assets.Other, "mailto:someone@example.com", CodeInvalidURL, userinfo},
		{"no host", assets.Other, "https://", CodeInvalidURL, "the endpoint has no host name"},
		{"port without host", assets.Other, "https://:8080/v1", CodeInvalidURL, "the endpoint has no host name"},
		{"user and password", assets.Other, "https://admin:hunter2@llm.example.com/v1", CodeInvalidURL, userinfo},
		{"token as user", assets.Other, "https://hunter2hunter2@llm.example.com/v1", CodeInvalidURL, userinfo},
		{"user and password without scheme", assets.Other, "admin:hunter2@llm.example.com/v1", CodeInvalidURL, userinfo},
		{"user and password on a local host", assets.Other, "http://admin:hunter2@localhost:4000", CodeInvalidURL, userinfo},
		{"not ASCII", assets.Other, "https://bücher.example/v1", CodeInvalidURL, "the endpoint host name is not ASCII; use its xn-- (punycode) form"},
		{"bad host characters", assets.Other, "https://llm!.example.com/v1", CodeInvalidURL, "the endpoint host name can only have letters, digits, '-', '_' and '.'"},
		{"port too large", assets.Other, "https://llm.example.com:99999/v1", CodeInvalidURL, "the endpoint port must be a number from 1 to 65535"},
		{"port zero", assets.Other, "https://llm.example.com:0/v1", CodeInvalidURL, "the endpoint port must be a number from 1 to 65535"},
		{"IPv6 zone", assets.Other, "http://[fe80::1%25eth0]:8080/v1", CodeInvalidURL, "the endpoint has an IPv6 zone (%…); remove it"},
		{"bad escape", assets.Other, "https://llm.example.com/%zz", CodeInvalidURL, "the endpoint is not a valid URL; check the host name and port"},
		{"bad escape with password", assets.Other, "https://admin:hunter2@llm.example.com/%zz", CodeInvalidURL, "the endpoint is not a valid URL; check the host name and port"},
		{"IPv6 without brackets", assets.Other, "http://::1/v1", CodeInvalidURL, "the endpoint is not a valid URL; check the host name and port"},
		{"http to a public host", assets.Other, "http://llm.example.com/v1", CodeInsecureScheme, "http:// is only allowed for local addresses; use https://llm.example.com/v1"},
		{"http to a provider host", assets.OpenAI, "http://api.openai.com", CodeInsecureScheme, "OpenAI accepts only HTTPS: use https://api.openai.com"},
		{"http to bedrock", assets.AWS, "http://bedrock-runtime.us-east-1.amazonaws.com/", CodeInsecureScheme, "AWS accepts only HTTPS: use https://bedrock-runtime.us-east-1.amazonaws.com"},
		{"http to a public IP", assets.OpenAI, "http://8.8.8.8:8000/v1", CodeInsecureScheme, "http:// is only allowed for local addresses; use https://8.8.8.8:8000/v1"},
		{"http to a CGNAT address", assets.Other, "http://100.64.0.1/v1", CodeInsecureScheme, "http:// is only allowed for local addresses; use https://100.64.0.1/v1"},
		{"an OpenAI key", assets.OpenAI, "sk-proj-Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3", CodeInvalidURL, looksKey},
		{"a Gemini key with a dot", assets.Google, "AQ.Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3Ab3", CodeInvalidURL, looksKey},
		{"a long single word", assets.Other, "hunter2hunter2hunter2hunter2hunter2", CodeInvalidURL, looksKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeEndpoint(tt.typ, tt.in)
			require.Equal(t, Endpoint{}, got)
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, &InputError{Code: tt.code, Field: "endpoint", Msg: tt.msg}, ie)
			require.NotContains(t, err.Error(), "hunter2")
		})
	}
}

// TestNormalizeEndpointManySuffixes checks that a long run of pasted
// operations is removed completely, so a second pass changes nothing.
func TestNormalizeEndpointManySuffixes(t *testing.T) {
	t.Parallel()
	got, err := NormalizeEndpoint(assets.Anthropic, "https://api.anthropic.com"+strings.Repeat("/v1/messages", 150))
	require.NoError(t, err)
	require.Equal(t, anthropicBase, got.URL)
	require.Len(t, got.Rewrites, 150)
}

func TestNormalizeEndpointInvalidType(t *testing.T) {
	t.Parallel()
	_, err := NormalizeEndpoint("AZURE", "https://x.example.com")
	require.EqualError(t, err, `normalise endpoint: invalid AI type "AZURE"`)
	var ie *InputError
	require.False(t, errors.As(err, &ie), "a programming error, not an input error")
}

// TestNormalizeEndpointTextsAreRedacted checks that no rewrite or warning
// carries a ?key= value, whatever the type.
func TestNormalizeEndpointTextsAreRedacted(t *testing.T) {
	t.Parallel()
	for _, typ := range assets.AITypes() {
		got, err := NormalizeEndpoint(typ, "generativelanguage.googleapis.com/v1beta/models/x:generateContent?key="+geminiKey+"#key="+geminiKey)
		require.NoError(t, err)
		require.Equal(t, geminiKey, got.ExtractedKey)
		require.NotEmpty(t, got.Rewrites)
		for _, r := range got.Rewrites {
			require.NotContains(t, r.From+r.To+r.Reason, geminiKey[4:12])
		}
		require.NotContains(t, strings.Join(got.Warnings, " "), geminiKey[4:12])
		require.NotContains(t, got.URL, geminiKey[4:12])
	}
}

func TestDisplayURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://llm.example.com/v1", "https://llm.example.com/v1"},
		{"https://u:p@llm.example.com/v1", "https://llm.example.com/v1"},
		{"u:p@llm.example.com/v1", "llm.example.com/v1"},
		{"https://a@b@llm.example.com/x@y", "https://llm.example.com/x@y"},
		{"https://h/v1?key=SECRET&api-version=2024&x=", "https://h/v1?key=…&api-version=2024&x="},
		{"https://h/v1?SECRET", "https://h/v1?…"},
		{"https://h/v1#SECRET", "https://h/v1#…"},
		{"https://h/v1?#", "https://h/v1?#"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, displayURL(tt.in))
		})
	}
}
