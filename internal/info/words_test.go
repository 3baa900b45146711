package info

import (
	"testing"

	"gongkai/internal/i18n"
)

// Standard genres and topics are said in the reader's language; others
// stay as typed.
func TestGenreAndTopicWords(t *testing.T) {
	for _, tc := range []struct {
		say       func(i18n.Lang, string) (string, bool)
		lang      i18n.Lang
		in, want  string
		wantKnown bool
	}{
		{GenreWords, i18n.En, "通知", "Notice", true},
		{GenreWords, i18n.En, " 公示 ", "Public notice", true},
		{GenreWords, i18n.Zh, "公示", "公示", true},
		{GenreWords, i18n.En, "会议通知单", "会议通知单", false},
		{GenreWords, i18n.En, "", "", false},
		{TopicWords, i18n.En, "民政、扶贫、救灾", "Civil affairs, poverty alleviation and disaster relief", true},
		{TopicWords, i18n.En, "教育", "Education", true},
		{TopicWords, i18n.En, "民政", "民政", false},
	} {
		got, known := tc.say(tc.lang, tc.in)
		if got != tc.want || known != tc.wantKnown {
			t.Errorf("%s %q: got %q %v, want %q %v", tc.lang, tc.in, got, known, tc.want, tc.wantKnown)
		}
	}
	// Each standard value has words of its own in each language.
	for _, keys := range [][]string{Genres, Topics} {
		for _, l := range i18n.Langs {
			seen := map[string]string{}
			for _, k := range keys {
				w := i18n.T(l, k)
				if !i18n.Has(k) || seen[w] != "" {
					t.Errorf("%s %s: %q (also %s)", l, k, w, seen[w])
				}
				seen[w] = k
			}
		}
	}
}
