package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"gongkai/internal/errs"
)

// argon2id parameters: the OWASP minimum of 19 MiB, 2 passes, 1 lane, which
// hashes in tens of milliseconds on the 2-core machines gongkai targets.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns the argon2id hash of pw in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the PHC-format hash. It reads the
// parameters from the hash so that old hashes keep working when the
// parameters change.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

//go:embed data/common-passwords.txt
var commonPasswordList string

// commonPasswords are refused whatever else they satisfy.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonPasswordList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// ValidatePassword checks the password policy: 8 to 128 characters, with
// both letters (any script) and digits, and not one of the most common
// passwords.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < 8 {
		return errs.InvalidField("password", "account.password_short", 8)
	}
	if n > 128 {
		return errs.InvalidField("password", "account.password_long", 128)
	}
	var letter, digit bool
	for _, r := range pw {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r):
			letter = true
		}
	}
	if !letter || !digit {
		return errs.InvalidField("password", "account.password_weak")
	}
	if commonPasswords[strings.ToLower(pw)] {
		return errs.InvalidField("password", "account.password_common")
	}
	return nil
}
