package info

import (
	"strings"
	"sync"

	"gongkai/internal/i18n"
)

// Genres are the message keys of the standard 体裁 of government
// information: the kinds of official documents (党政机关公文处理工作条例,
// 第八条) and the forms disclosure sites publish besides, in the order the
// search form offers them. A record's genre is typed; a record whose genre
// is none of these keeps it as typed.
var Genres = []string{
	"genre.notice", "genre.announcement", "genre.circular", "genre.publicity", "genre.opinions",
	"genre.decision", "genre.resolution", "genre.order", "genre.communique", "genre.bulletin",
	"genre.report", "genre.request", "genre.reply", "genre.motion", "genre.letter", "genre.minutes",
	"genre.plan", "genre.work_plan", "genre.programme", "genre.measures", "genre.provisions",
	"genre.rules", "genre.guide", "genre.list", "genre.catalog", "genre.interpretation", "genre.other",
}

// Topics are the message keys of the 主题分类 of government information:
// the State Council's top-level classes of the disclosure catalog, and the
// sub-classes records are often filed under directly.
var Topics = []string{
	"topic.general", "topic.economy", "topic.finance", "topic.land", "topic.agriculture",
	"topic.industry", "topic.commerce", "topic.market", "topic.construction", "topic.science",
	"topic.culture", "topic.health", "topic.population", "topic.labour", "topic.security",
	"topic.civil", "topic.ethnic", "topic.foreign", "topic.hmt", "topic.defence", "topic.education",
	"topic.other",
}

// byChinese maps the Chinese words of keys back to the keys.
func byChinese(keys []string) func() map[string]string {
	return sync.OnceValue(func() map[string]string {
		m := make(map[string]string, len(keys))
		for _, k := range keys {
			m[i18n.T(i18n.Zh, k)] = k
		}
		return m
	})
}

var genreKeys, topicKeys = byChinese(Genres), byChinese(Topics)

// GenreWords says a record's genre in lang: a standard genre in lang's
// words and true, anything else as typed and false.
func GenreWords(lang i18n.Lang, genre string) (string, bool) { return words(lang, genreKeys(), genre) }

// TopicWords says a record's topic in lang as GenreWords says its genre.
func TopicWords(lang i18n.Lang, topic string) (string, bool) { return words(lang, topicKeys(), topic) }

func words(lang i18n.Lang, keys map[string]string, s string) (string, bool) {
	if k, ok := keys[strings.TrimSpace(s)]; ok {
		return i18n.T(lang, k), true
	}
	return s, false
}
