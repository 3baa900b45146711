// Command echo is the benchmark's yardstick: it fetches one page from the
// gongkai server once and serves the same bytes from a minimal handler, so
// that the server's throughput can be read as a share of what plain
// net/http manages on the same machine in the same run.
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	src := flag.String("url", "", "page to copy")
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	res, err := http.Get(*src)
	if err != nil {
		log.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		log.Fatalf("fetch %s: %d %v", *src, res.StatusCode, err)
	}
	ct := res.Header.Get("Content-Type")
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	})))
}
