// Go's net/http: one http.Client per user, each with its own Transport keeping one connection
// alive, as a Go service calling another does. Standard library only. The protocol:
// harness/reference/driver.ts.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

type settings struct {
	URL          string            `json:"url"`
	Method       string            `json:"method"`
	Headers      map[string]string `json:"headers"`
	Body         *string           `json:"body"`
	Connections  int               `json:"connections"`
	Rate         float64           `json:"rate"`
	IdleMs       float64           `json:"idleMs"`
	TimeoutMs    int               `json:"timeoutMs"`
	MaxDuration  int               `json:"maxDurationMs"`
	MaxRequests  int               `json:"maxRequests"`
	ColourHeader string            `json:"colourHeader"`
}

// monotonicNs reads CLOCK_MONOTONIC, the harness's clock (Go's own monotonic reading is not exposed).
func monotonicNs() int64 {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0)
	return ts.Sec*1e9 + ts.Nsec
}

var errnos = []struct {
	errno syscall.Errno
	name  string
}{{syscall.ECONNRESET, "ECONNRESET"}, {syscall.EPIPE, "EPIPE"}, {syscall.ECONNREFUSED, "ECONNREFUSED"}}

// kindOf names what the caller's err says: an errno, a timeout, or the server's close before a response.
func kindOf(err error) string {
	for _, e := range errnos {
		if errors.Is(err, e.errno) {
			return e.name
		}
	}
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "EOF"
	case strings.Contains(err.Error(), "server closed idle connection"):
		return "server closed idle connection"
	}
	return err.Error()
}

func colourOf(v string) int {
	if strings.Contains(v, "blue") {
		return 1
	}
	if strings.Contains(v, "green") {
		return 2
	}
	return 0
}

func main() {
	if os.Args[1] == "--version" {
		fmt.Printf("Go %s net/http\n", strings.TrimPrefix(runtime.Version(), "go"))
		return
	}
	var o settings
	if err := json.Unmarshal([]byte(os.Args[1]), &o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, `{"ready":true}`)
	out.Flush()

	stop := make(chan struct{})
	var stopOnce sync.Once
	stopNow := func() { stopOnce.Do(func() { close(stop) }) }
	goLine := make(chan int64)
	go func() {
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			if line := in.Text(); strings.HasPrefix(line, "go ") {
				origin, _ := strconv.ParseInt(line[3:], 10, 64)
				goLine <- origin
			} else if line == "stop" {
				stopNow()
				return
			}
		}
		select {
		case <-stop:
		default:
			os.Exit(1)
		}
	}()
	origin := <-goLine
	base, offsetNs := time.Now(), monotonicNs()-origin
	since := func() float64 { return float64(offsetNs+time.Since(base).Nanoseconds()) / 1000 }
	time.AfterFunc(time.Duration(o.MaxDuration)*time.Millisecond, stopNow)

	var mu sync.Mutex
	started := 0
	var rows [][]any
	periodUs := 0.0
	if o.Rate > 0 {
		periodUs = float64(o.Connections) / o.Rate * 1e6
	}
	var users sync.WaitGroup
	for index := 0; index < o.Connections; index++ {
		users.Add(1)
		go func(index int) {
			defer users.Done()
			transport := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}
			client := &http.Client{Transport: transport, Timeout: time.Duration(o.TimeoutMs) * time.Millisecond}
			defer transport.CloseIdleConnections()
			due := float64(index) / float64(o.Connections) * periodUs
			for {
				if wait := due - since(); wait > 0 {
					select {
					case <-stop:
					case <-time.After(time.Duration(wait * 1000)):
					}
				}
				mu.Lock()
				started++
				more := started <= o.MaxRequests
				mu.Unlock()
				select {
				case <-stop:
					return
				default:
				}
				if !more {
					return
				}
				var body io.Reader
				if o.Body != nil {
					body = strings.NewReader(*o.Body)
				}
				req, _ := http.NewRequest(o.Method, o.URL, body)
				for k, v := range o.Headers {
					req.Header.Set(k, v)
				}
				// the connection the request finally went out on (after any resend of the Transport's)
				conn, reused := 0, 0
				req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
					conn, reused = info.Conn.LocalAddr().(*net.TCPAddr).Port, 0
					if info.Reused {
						reused = 1
					}
				}}))
				start := since()
				status, kind, colour := 0, "", 0
				res, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					status, colour = res.StatusCode, colourOf(res.Header.Get(o.ColourHeader))
				}
				if err != nil {
					status, kind, colour = 0, kindOf(err), 0
				}
				end := since()
				mu.Lock()
				rows = append(rows, []any{due, start, end, status, kind, conn, reused, colour})
				mu.Unlock()
				if periodUs > 0 {
					due += periodUs
				} else {
					due = end + o.IdleMs*1000
				}
			}
		}(index)
	}
	users.Wait()
	for _, row := range rows {
		line, _ := json.Marshal(row)
		out.Write(append(line, '\n'))
	}
	fmt.Fprintln(out, `{"done":true}`)
	out.Flush()
}
