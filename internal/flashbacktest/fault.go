package flashbacktest

import (
	"fmt"
	"net/http"
	"time"
)

// FaultHeader is set on every answer a Fault shaped, with the fault's
// kind ("status", "body", "latency"), so a contract checker can tell a
// deliberate malformed body from a bug.
const FaultHeader = "X-Flashbacktest-Fault"

// Fault changes how a route answers, for testing a client's error paths.
// Fields combine: Latency delays whatever follows; Cut and CutAfterHandle
// drop the connection; otherwise Status and/or Body replace the answer;
// a Fault with only Latency lets the real handler answer late.
type Fault struct {
	// Status is the HTTP status to answer with instead of the handler's.
	// Without Body, the body is the documented error shape with Message
	// (and ErrorCode, if set).
	Status int
	// Message is the error message for Status; default the status text.
	Message string
	// ErrorCode adds error_code to the error body.
	ErrorCode string
	// RetryAfter sets the Retry-After header (seconds or an HTTP date).
	RetryAfter string
	// Body is sent verbatim (for malformed JSON), with Status or 200.
	Body string
	// ContentType of Body; default application/json.
	ContentType string
	// Latency delays the answer; the wait ends early if the client gives
	// up, and then nothing is done.
	Latency time.Duration
	// Cut drops the connection before the handler runs: nothing changes.
	Cut bool
	// CutAfterHandle runs the handler — its changes are kept — and then
	// drops the connection without sending its answer: the lost-response
	// case.
	CutAfterHandle bool
	// Times is how many requests the fault applies to; 0 means every one
	// until ClearFaults.
	Times int
}

// Inject queues f on route ("POST /ai/llm", see Routes). Faults on a route
// apply in the order injected; one with Times > 0 is dropped when used up.
// It panics on an unknown route, to catch typos in tests.
func (s *Server) Inject(route string, f Fault) {
	if !s.routes[route] {
		panic(fmt.Sprintf("flashbacktest: no route %q (see Routes)", route))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fc := f
	s.faults[route] = append(s.faults[route], &fc)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[string][]*Fault{}
}

// takeFault counts a request on route and returns the fault that applies
// to it, if any.
func (s *Server) takeFault(route string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[route]++
	q := s.faults[route]
	if len(q) == 0 {
		return nil
	}
	f := *q[0]
	if q[0].Times > 0 {
		q[0].Times--
		if q[0].Times == 0 {
			s.faults[route] = q[1:]
		}
	}
	return &f
}

// instrument wraps a route's handler with request ids, counting and
// faults.
func (s *Server) instrument(route string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.stamp(w)
		f := s.takeFault(route)
		if f == nil {
			h(w, r)
			return
		}
		if f.Latency > 0 {
			w.Header().Set(FaultHeader, "latency")
			t := time.NewTimer(f.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		switch {
		case f.Cut:
			// ErrAbortHandler makes net/http close the connection without
			// an answer (and without logging a panic).
			panic(http.ErrAbortHandler)
		case f.CutAfterHandle:
			h(&discard{header: http.Header{}}, r)
			panic(http.ErrAbortHandler)
		case f.Status == 0 && f.Body == "":
			h(w, r)
			return
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		if f.Body != "" {
			w.Header().Set(FaultHeader, "body")
			ct := f.ContentType
			if ct == "" {
				ct = "application/json; charset=utf-8"
			}
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(f.Body))
			return
		}
		w.Header().Set(FaultHeader, "status")
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(status)
		}
		writeAuthError(w, status, f.ErrorCode, msg)
	}
}

// discard is a ResponseWriter that drops everything (CutAfterHandle).
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
