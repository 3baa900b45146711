package info

// SetRankLimit changes the ranked-search threshold for a test.
func SetRankLimit(n int) func() {
	old := rankLimit
	rankLimit = n
	return func() { rankLimit = old }
}
