package web

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes every /api/v1 endpoint (OpenAPI 3.1). A test walks
// the routes and fails if one is missing from it.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the API's description.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openAPIDoc)
	return nil
}
