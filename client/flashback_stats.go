package client

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
)

// Counter is a non-negative usage counter. The SDK types counters as
// strings (serialised BigInt) while a JSON number is just as plausible
// ([U]), so both decode; null and "" are 0, and a value beyond uint64
// saturates instead of failing the whole answer.
type Counter uint64

// UnmarshalJSON implements json.Unmarshaler.
func (c *Counter) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return errors.New("counter: malformed string")
		}
		b = []byte(s)
	}
	s := string(bytes.TrimSpace(b))
	if s == "" || s == "null" {
		*c = 0
		return nil
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		*c = Counter(n)
		return nil
	}
	// Large integers, exponents ("1.5e3") and decimals from a server
	// that divides: take the integer part, saturating.
	f, _, err := big.ParseFloat(s, 10, 128, big.ToZero)
	if err != nil {
		return errors.New("counter: not a number: " + clip(clean(s), 40))
	}
	switch {
	case f.Sign() < 0:
		*c = 0
	case f.Cmp(new(big.Float).SetUint64(math.MaxUint64)) >= 0:
		*c = math.MaxUint64
	default:
		n, _ := f.Uint64()
		*c = Counter(n)
	}
	return nil
}

// LLMStats are the aggregate usage counters of one configuration.
type LLMStats struct {
	// LLMID is the configuration's id.
	LLMID string `json:"aiLlmId"`
	// APICalls is the number of calls through the gateway.
	APICalls Counter `json:"totalApiCalls"`
	// TokensIn and TokensOut count tokens in client requests and answers.
	TokensIn  Counter `json:"totalTokensIn"`
	TokensOut Counter `json:"totalTokensOut"`
	// LLMTokensIn and LLMTokensOut count tokens exchanged with the
	// provider (policy evaluation may add some).
	LLMTokensIn  Counter `json:"totalLlmTokensIn"`
	LLMTokensOut Counter `json:"totalLlmTokensOut"`
	// PolicyViolations, Alerts and Blocks count policy outcomes.
	PolicyViolations Counter `json:"totalPolicyViolations"`
	Alerts           Counter `json:"totalAlerts"`
	Blocks           Counter `json:"totalBlocks"`
}

type statsAnswer struct {
	envelope
	Stats []LLMStats `json:"stats"`
}

// LLMStats returns usage counters for one configuration, or for every
// reachable one when id is "".
func (c *Client) LLMStats(ctx context.Context, id string) ([]LLMStats, error) {
	op := "get ai llm stats"
	var q url.Values
	if id != "" {
		op += " of " + id
		q = url.Values{"aiLlmId": {id}}
	}
	var ans statsAnswer
	if _, err := c.do(ctx, &call{op: op, method: http.MethodGet, path: "/ai/llm/stats", query: q, auth: true, retry: true}, &ans); err != nil {
		return nil, c.seal(err)
	}
	for i := range ans.Stats {
		ans.Stats[i].LLMID = clean(ans.Stats[i].LLMID)
	}
	return ans.Stats, nil
}
